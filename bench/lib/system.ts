import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import type Redis from 'ioredis';
import type { Connection, RowDataPacket } from 'mysql2/promise';

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** User + system CPU time of a process so far, in ms (from /proc/<pid>/stat). */
export function cpuMs(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces: fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return ((utime + stime) * 1000) / CLK_TCK;
  } catch {
    return NaN;
  }
}

/** CPU time the whole machine spent busy so far (all cores; user+nice+system+irq+softirq+steal), in ms. */
export function machineBusyMs(): number {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return ((user + nice + system + irq + softirq + steal) * 1000) / CLK_TCK;
}

/** VmRSS of a process in KiB (from /proc/<pid>/status). */
export function vmRssKiB(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
}

export function sh(command: string): string {
  try {
    return execFileSync('bash', ['-c', command], { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return '';
  }
}

export interface MachineSnapshot {
  at: string;
  nproc: string;
  freeG: string;
  loadavg: string;
}

export function machineSnapshot(): MachineSnapshot {
  return {
    at: new Date().toISOString(),
    nproc: sh('nproc'),
    freeG: sh('free -g'),
    loadavg: sh('cat /proc/loadavg'),
  };
}

export function machineInfo() {
  return {
    cpuModel: sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").trim(),
    cores: os.cpus().length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    kernel: sh('uname -r'),
    node: process.version,
  };
}

/** Total calls per Redis command (INFO commandstats). */
export async function redisCommandStats(redis: Redis): Promise<Record<string, number>> {
  const info = await redis.info('commandstats');
  const stats: Record<string, number> = {};
  for (const line of info.split('\n')) {
    const m = /^cmdstat_([^:]+):calls=(\d+)/.exec(line.trim());
    if (m) stats[m[1]] = Number(m[2]);
  }
  return stats;
}

export function diffCounts(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) {
    const d = v - (before[k] ?? 0);
    if (d) out[k] = d;
  }
  return out;
}

export const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

const MARIADB_COUNTERS = [
  'Questions',
  'Com_select',
  'Com_insert',
  'Com_update',
  'Com_delete',
  'Com_insert_select',
  'Com_commit',
  'Com_rollback',
  'Com_set_option',
  'Com_admin_commands',
  'Innodb_data_fsyncs',
  'Innodb_row_lock_waits',
];

/** Global MariaDB counters that say what the database did (statements by kind, fsyncs, lock waits). */
export async function mariadbCounters(db: Connection): Promise<Record<string, number>> {
  const [rows] = await db.query<RowDataPacket[]>('SHOW GLOBAL STATUS WHERE Variable_name IN (?)', [MARIADB_COUNTERS]);
  const out: Record<string, number> = {};
  for (const row of rows) out[String(row.Variable_name)] = Number(row.Value);
  return out;
}
