import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Arrival, FlowsConfig } from '../../load';
import type { Variant } from '../flows';
import type { BenchOptions } from '../options';
import { probe } from '../processes';
import type { EventLoopDelay, FlowResult, ScenarioResult } from '../results';
import { DATABASE_URL } from '../settings';
import { emulatorKnob, onLines, processesOf, spawnLoad, waitForQuiet, type Stack } from '../stack';
import { cpuMs, diffCounts, machineBusyMs, mariadbCounters, redisCommandStats, sum } from '../system';
import type { Workload } from '../workloads';

interface Snapshot {
  t: number;
  machineBusy: number;
  redis: Record<string, number>;
  mariadb: Record<string, number>;
  cpu: Record<string, number>;
  emulator: { tokenCalls: number; meCalls: number };
}

async function snapshot(stack: Stack, pids: Record<string, number | undefined>): Promise<Snapshot> {
  // /proc first, synchronously: the moment of the snapshot is now, however long the rest takes.
  const t = performance.now();
  const machineBusy = machineBusyMs();
  const cpu: Record<string, number> = {};
  for (const [name, pid] of Object.entries(pids)) if (pid) cpu[name] = cpuMs(pid);
  cpu.bench = cpuMs(process.pid);
  const [redis, mariadb, stats] = await Promise.all([
    redisCommandStats(stack.redis),
    mariadbCounters(stack.db),
    // The emulator may answer late under load; its counters only feed "Facebook calls per login".
    emulatorKnob(stack, 'GET', '/stats') as Promise<{ tokenCalls: number; meCalls: number }>,
  ]);
  return { t, machineBusy, redis, mariadb, cpu, emulator: { tokenCalls: stats.tokenCalls, meCalls: stats.meCalls } };
}

export interface ScenarioOptions {
  /** Write CPU profiles of the servers (for the window) into this folder. */
  profileTo?: string;
  /** Label of a non-default placement (the servers were re-pinned for this scenario). */
  pinning?: string;
}

/**
 * One workload against one variant: a load generator process runs the logins,
 * and the counters (CPU, Redis, SQL, Facebook calls, event-loop delay) are read
 * at the edges of its measuring window.
 */
export async function runScenario(
  stack: Stack,
  bench: Pick<BenchOptions, 'quick' | 'legacyComplete'>,
  workload: Workload,
  variant: Variant,
  options: ScenarioOptions = {},
): Promise<ScenarioResult> {
  const { profileTo } = options;
  const waitedForQuietMs = bench.quick ? 0 : await waitForQuiet(stack, 10000);
  const arrival: Arrival = workload.arrival ?? { kind: 'closed' };
  await emulatorKnob(stack, 'PUT', '/config', { latency: workload.latency, failureRate: workload.failureRate });
  const target = variant === 'inline' ? stack.inlineUrl : stack.apiUrl;
  const servers = variant === 'inline' ? ['inline'] : ['api', 'worker'];
  const config: FlowsConfig = {
    mode: 'flows',
    variant,
    arrival,
    apiUrl: target,
    origin: new URL(target).origin,
    facebookBase: `${stack.emulatorUrl}/v25.0`,
    userIds: stack.userIds,
    concurrency: workload.concurrency,
    warmupMs: workload.warmupMs,
    durationMs: workload.durationMs,
    drainMs: workload.drainMs,
    pollIntervalMs: 1000,
    flowTimeoutMs: 90000,
    legacyComplete: bench.legacyComplete,
    databaseUrl: DATABASE_URL,
  };
  const load = spawnLoad(stack, `load-${variant}-${workload.name.replace(/\W+/g, '_')}`, config);
  const pids = processesOf(stack, variant, load);
  let before: Promise<Snapshot> | undefined;
  let after: Promise<[Snapshot, Record<string, EventLoopDelay>]> | undefined;
  let result: FlowResult | undefined;
  onLines(load, (event) => {
    if (event.event === 'window-start') {
      before = (async () => {
        // Counters first (they do not depend on a busy server answering), then the in-process probes.
        const snap = await snapshot(stack, pids);
        await Promise.all(servers.map((s) => probe(stack.sockets[s], '/eld/reset')));
        if (profileTo) await Promise.all(servers.map((s) => probe(stack.sockets[s], '/profile/start')));
        // A burst waits for this: its logins start only once the counters are read.
        if (arrival.kind === 'burst') load.child.stdin!.write('go\n');
        return snap;
      })();
    } else if (event.event === 'window-end') {
      after = (async () => {
        const snap = await snapshot(stack, pids);
        const eld: Record<string, EventLoopDelay> = {};
        for (const s of servers) eld[s] = await probe<EventLoopDelay>(stack.sockets[s], '/eld');
        if (profileTo) {
          for (const s of servers) {
            await probe(
              stack.sockets[s],
              `/profile/stop?file=${encodeURIComponent(path.join(profileTo, `${s}-${variant}.cpuprofile`))}`,
              120000,
            );
          }
        }
        return [snap, eld] as [Snapshot, Record<string, EventLoopDelay>];
      })();
    } else if (event.event === 'result') {
      result = event as unknown as FlowResult;
    }
  });
  await load.exited;
  if (load.child.exitCode !== 0 || !result || !before || !after) {
    throw new Error(
      `load generator for ${variant} ${workload.name} failed (exit ${load.child.exitCode ?? load.child.signalCode}):\n${load.recentOutput}`,
    );
  }
  const b = await before;
  const [a, eld] = await after;
  const logins = Math.max(1, result.completedInWindow);
  const windowMs = a.t - b.t;
  const redisDelta = diffCounts(b.redis, a.redis);
  const mariadbDelta = diffCounts(b.mariadb, a.mariadb);
  const per = (x: number) => Math.round((x / logins) * 100) / 100;
  const cpuMsPerLogin: Record<string, number> = {};
  const cpuUtilisation: Record<string, number> = {};
  let ours = 0;
  for (const name of Object.keys(a.cpu)) {
    const d = a.cpu[name] - (b.cpu[name] ?? NaN);
    if (!Number.isFinite(d)) continue;
    ours += d;
    if (name === 'bench') continue;
    cpuMsPerLogin[name] = per(d);
    cpuUtilisation[name] = Math.round((d / windowMs) * 100) / 100;
  }
  const otherLoadCores = Math.max(0, Math.round(((a.machineBusy - b.machineBusy - ours) / windowMs) * 100) / 100);
  const topRedis = Object.entries(redisDelta)
    .sort((x, y) => y[1] - x[1])
    .slice(0, 12)
    .map(([k, v]) => [k, per(v)] as const);
  return {
    ...result,
    workload: workload.name,
    emulatorLatency: workload.latency,
    failureRate: workload.failureRate,
    profiled: Boolean(profileTo),
    windowMs: Math.round(windowMs),
    redisCommandsPerLogin: per(sum(redisDelta)),
    redisTopCommandsPerLogin: Object.fromEntries(topRedis),
    sqlStatementsPerLogin: Object.fromEntries(Object.entries(mariadbDelta).map(([k, v]) => [k, per(v)])),
    facebookCallsPerLogin: {
      token: per(a.emulator.tokenCalls - b.emulator.tokenCalls),
      me: per(a.emulator.meCalls - b.emulator.meCalls),
    },
    cpuMsPerLogin,
    cpuUtilisation,
    eventLoopDelayMs: eld,
    otherLoadCores,
    waitedForQuietMs,
    pinning: options.pinning ?? (stack.cpus.servers ? `servers on CPU ${stack.cpus.servers}` : 'none'),
  };
}
