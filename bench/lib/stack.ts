import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import Redis from 'ioredis';
import { createConnection, type Connection, type RowDataPacket } from 'mysql2/promise';
import { DEFAULT_FACEBOOK_GRAPH_VERSION } from '@app/config';
import type { FlowsConfig, StreamsConfig } from '../load';
import { runFlow, type FlowTarget, type Variant } from './flows';
import { keepAliveAgent } from './http-client';
import { log } from './log';
import type { BenchOptions } from './options';
import { Proc, freePort, probe, stopAll, waitFor } from './processes';
import {
  APP_ID,
  APP_SECRET,
  DATABASE,
  DATABASE_URL,
  LOGS,
  MYSQL_SERVER,
  REDIS_PREFIX,
  REDIS_URL,
  ROOT,
  SESSION_SECRET,
} from './settings';
import { cpuMs, machineBusyMs, redisCommandStats, sh, sum } from './system';

/** Where the servers under test and the "outside world" (browsers = load generator, Facebook = emulator) run. */
export interface Cpus {
  servers?: string;
  world?: string;
}

/** --pin=split: servers under test on CPU 0, the outside world on CPU 1; none: wherever the kernel likes. */
export const cpusFor = (pin: BenchOptions['pin']): Cpus =>
  pin === 'split' ? { servers: '0', world: '1' } : { servers: undefined, world: undefined };

export interface Stack {
  tmp: string;
  redis: Redis;
  db: Connection;
  emulator: Proc;
  emulatorUrl: string;
  api?: Proc;
  worker?: Proc;
  inline?: Proc;
  apiUrl: string;
  inlineUrl: string;
  sockets: Record<string, string>;
  serverPids: { mariadb?: number; redis?: number };
  userIds: string[];
  /** To start the worker again (the stream rounds stop it while streams open). */
  workerOptions: ConstructorParameters<typeof Proc>[0];
  cpus: Cpus;
  /** The open-files limit every process is started with (thousands of streams need it). */
  nofile: number;
}

let cleaningUp: Promise<void> | undefined;
let stackRef: Partial<Stack> = {};

/** Stops every process the bench started and drops its database and Redis keys (once, however often called). */
export async function cleanup(): Promise<void> {
  cleaningUp ??= (async () => {
    log('stopping every process the bench started');
    await stopAll().catch(() => undefined);
    const redis = stackRef.redis;
    if (redis) {
      await deleteKeys(redis, `${REDIS_PREFIX}:*`).catch(() => undefined);
      redis.disconnect();
    }
    const db = stackRef.db;
    if (db) {
      await db.query(`DROP DATABASE IF EXISTS \`${DATABASE}\``).catch(() => undefined);
      await db.end().catch(() => undefined);
    }
    if (stackRef.tmp) fs.rmSync(stackRef.tmp, { recursive: true, force: true });
  })();
  return cleaningUp;
}

async function deleteKeys(redis: Redis, pattern: string): Promise<number> {
  let cursor = '0';
  let n = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    if (keys.length) n += await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
  return n;
}

function nodeEnv(stack: Pick<Stack, 'tmp' | 'sockets'>, name: string): Record<string, string> {
  const socket = path.join(stack.tmp, `${name}.sock`);
  stack.sockets[name] = socket;
  return {
    NODE_OPTIONS: `--require ${path.join(ROOT, 'bench', 'probes', 'probe.js')}`,
    BENCH_PROBE_SOCKET: socket,
  };
}

/** The emulator's test-only HTTP API (`/__emulator/…`): latency, failures, users, counters. */
export async function emulatorKnob(
  stack: Pick<Stack, 'emulatorUrl'>,
  method: string,
  p: string,
  body?: unknown,
): Promise<unknown> {
  const response = await fetch(`${stack.emulatorUrl}/__emulator${p}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`emulator ${method} ${p}: ${response.status} ${await response.text()}`);
  const text = await response.text();
  return text ? JSON.parse(text) : undefined;
}

/** One simulated browser's view of a stack: the API (or the inline app) and the emulator's dialog. */
export function flowTarget(
  url: string,
  facebookBase: string,
  agent: ReturnType<typeof keepAliveAgent>,
  legacyComplete: boolean,
): FlowTarget {
  const apiUrl = new URL(url);
  return {
    apiUrl,
    origin: apiUrl.origin,
    facebookBase,
    agent,
    pollIntervalMs: 1000,
    flowTimeoutMs: 30000,
    legacyComplete,
  };
}

/** The Graph version every client of the emulator is configured with: the app's default. */
const GRAPH_VERSION = DEFAULT_FACEBOOK_GRAPH_VERSION;

/**
 * How a build wants the emulator's URLs: hosts and FACEBOOK_GRAPH_VERSION, or (a
 * build from before that setting, e.g. --dist of an older checkout) the
 * versioned FACEBOOK_GRAPH_URL and FACEBOOK_DIALOG_URL, which later builds
 * refuse at boot.
 */
function facebookEnv(mainJs: string, emulatorUrl: string): Record<string, string> {
  const base = `${emulatorUrl}/${GRAPH_VERSION}`;
  return fs.readFileSync(mainJs, 'utf8').includes('FACEBOOK_GRAPH_VERSION')
    ? { FACEBOOK_WEB_URL: emulatorUrl, FACEBOOK_GRAPH_URL: emulatorUrl, FACEBOOK_GRAPH_VERSION: GRAPH_VERSION }
    : { FACEBOOK_DIALOG_URL: `${base}/dialog/oauth`, FACEBOOK_GRAPH_URL: base };
}

/**
 * A fresh database and Redis prefix, the emulator, the API, the worker (and the
 * inline app if it is among the variants), the emulator's test users, then one
 * smoke login per variant.
 */
export async function boot(options: BenchOptions): Promise<Stack> {
  const { variants, distRoot, legacyComplete } = options;
  const cpus = cpusFor(options.pin);
  const nofile = Number(sh('ulimit -Hn')) || 20000;
  const users = options.quick ? 200 : 2000;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'afl-bench-'));
  stackRef.tmp = tmp;
  const sockets: Record<string, string> = {};
  const redis = new Redis(REDIS_URL, { lazyConnect: true });
  await redis.connect();
  stackRef.redis = redis;
  const db = await createConnection(MYSQL_SERVER);
  stackRef.db = db;

  log(`database ${DATABASE}: drop, create and migrate (npm run db:setup)`);
  await db.query(`DROP DATABASE IF EXISTS \`${DATABASE}\``);
  await deleteKeys(redis, `${REDIS_PREFIX}:*`);
  execFileSync(path.join(ROOT, 'node_modules', '.bin', 'ts-node'), ['scripts/db-setup.ts'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL },
    stdio: ['ignore', 'ignore', 'inherit'],
  });

  const [apiPort, emulatorPort, inlinePort] = [await freePort(), await freePort(), await freePort()];
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const inlineUrl = `http://127.0.0.1:${inlinePort}`;
  const emulatorUrl = `http://127.0.0.1:${emulatorPort}`;
  const facebookBase = `${emulatorUrl}/${GRAPH_VERSION}`;
  fs.rmSync(LOGS, { recursive: true, force: true });
  fs.mkdirSync(LOGS, { recursive: true });
  const logFile = (name: string) => path.join(LOGS, `${name}.log`);

  const emulator = new Proc({
    name: 'emulator',
    args: [path.join(ROOT, 'dist/apps/facebook-emulator/main.js')],
    env: {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      FACEBOOK_APP_ID: APP_ID,
      FACEBOOK_APP_SECRET: APP_SECRET,
      EMULATOR_PORT: String(emulatorPort),
      EMULATOR_HOST: '127.0.0.1',
      EMULATOR_REDIRECT_URIS: `${apiUrl}/auth/facebook/callback,${inlineUrl}/auth/facebook/callback`,
      ...nodeEnv({ tmp, sockets }, 'emulator'),
    },
    cpus: cpus.world,
    nofile,
    logFile: logFile('emulator'),
    cwd: ROOT,
  });
  const serverEnv = (facebook: Record<string, string>): Record<string, string> => ({
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    PUBLIC_URL: apiUrl,
    DATABASE_URL,
    REDIS_URL,
    REDIS_PREFIX,
    SESSION_SECRET,
    FACEBOOK_APP_ID: APP_ID,
    FACEBOOK_APP_SECRET: APP_SECRET,
    ...facebook,
    RATE_LIMIT_MAX: '1000000000',
    SERVE_CLIENT: 'false',
    WORKER_HEALTH_PORT: '0',
    // The 10,000-stream round keeps one login pending while the streams open (up to a minute
    // with the current watcher); the default 60 s deadline would end it as a timeout first.
    // Nothing else here comes near either deadline.
    LOGIN_DEADLINE_MS: '180000',
    // The capacity rounds open thousands of streams on one attempt; a browser holds a few.
    STREAMS_PER_ATTEMPT_MAX: '1000000',
    // The worker runs with the product's defaults (EXCHANGE_CONCURRENCY, the admission gate);
    // --env=EXCHANGE_CONCURRENCY=32,… tries other settings of the API and the worker.
    ...options.serverEnv,
  });
  const apiMain = path.join(distRoot, 'dist/apps/api/main.js');
  const workerMain = path.join(distRoot, 'dist/apps/worker/main.js');
  const api = new Proc({
    name: 'api',
    args: [apiMain],
    env: {
      ...serverEnv(facebookEnv(apiMain, emulatorUrl)),
      PORT: String(apiPort),
      HOST: '127.0.0.1',
      ...nodeEnv({ tmp, sockets }, 'api'),
    },
    cpus: cpus.servers,
    nofile,
    logFile: logFile('api'),
    cwd: ROOT,
  });
  const workerOptions = {
    name: 'worker',
    args: [workerMain],
    env: { ...serverEnv(facebookEnv(workerMain, emulatorUrl)), ...nodeEnv({ tmp, sockets }, 'worker') },
    cpus: cpus.servers,
    nofile,
    logFile: logFile('worker'),
    cwd: ROOT,
  };
  const worker = new Proc(workerOptions);
  const inline = variants.includes('inline')
    ? new Proc({
        name: 'inline',
        args: ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'bench/inline/main.ts'],
        env: {
          // bench/inline reads the versioned URLs itself.
          ...serverEnv({ FACEBOOK_DIALOG_URL: `${facebookBase}/dialog/oauth`, FACEBOOK_GRAPH_URL: facebookBase }),
          PUBLIC_URL: inlineUrl,
          PORT: String(inlinePort),
          TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json'),
          ...nodeEnv({ tmp, sockets }, 'inline'),
        },
        cpus: cpus.servers,
        nofile,
        logFile: logFile('inline'),
        cwd: ROOT,
      })
    : undefined;

  const stack: Stack = {
    tmp,
    redis,
    db,
    emulator,
    emulatorUrl,
    api,
    worker,
    inline,
    apiUrl,
    inlineUrl,
    sockets,
    serverPids: {},
    userIds: [],
    workerOptions,
    cpus,
    nofile,
  };
  stackRef = stack;

  log('starting emulator, API, worker' + (inline ? ', inline baseline' : ''));
  await waitFor('the emulator', async () => (await fetch(`${emulatorUrl}/__emulator/health`)).ok, 30000, emulator);
  await waitFor('the API', async () => (await fetch(`${apiUrl}/api/me`)).status === 401, 60000, api);
  if (inline)
    await waitFor('the inline app', async () => (await fetch(`${inlineUrl}/api/me`)).status === 401, 60000, inline);
  await waitFor('the worker probe', async () => Boolean(await probe(sockets.worker, '/eld')), 60000, worker);

  log(`registering ${users} emulator test users`);
  const ids = Array.from({ length: users }, (_, i) => `7${String(i).padStart(15, '0')}`);
  for (let i = 0; i < ids.length; i += 50) {
    await Promise.all(
      ids.slice(i, i + 50).map((id, j) =>
        emulatorKnob(stack, 'PUT', `/users/${id}`, {
          first_name: 'Bench',
          last_name: `User ${i + j}`,
          email: `bench.user${i + j}@example.com`,
        }),
      ),
    );
  }
  stack.userIds = ids;

  const redisPid = Number(/process_id:(\d+)/.exec(await redis.info('server'))?.[1]);
  const [pidRows] = await db.query<RowDataPacket[]>('SELECT @@pid_file AS f');
  const pidFile = String(pidRows[0]?.f ?? '');
  const mariadbPid =
    Number(sh(`cat ${JSON.stringify(pidFile)} 2>/dev/null`)) ||
    Number(sh('pidof mariadbd || pidof mysqld').split(' ')[0]);
  stack.serverPids = {
    redis: Number.isFinite(redisPid) && fs.existsSync(`/proc/${redisPid}`) ? redisPid : undefined,
    mariadb: mariadbPid && fs.existsSync(`/proc/${mariadbPid}`) ? mariadbPid : undefined,
  };

  // Smoke: one login per variant before measuring anything (also proves the worker is consuming).
  const agent = keepAliveAgent();
  for (const variant of variants) {
    const target = variant === 'inline' ? inlineUrl : apiUrl;
    const record = await runFlow(variant, flowTarget(target, facebookBase, agent, legacyComplete), ids[0]);
    if (!record.ok) {
      // An ok operation whose session is not signed in: servers on the contract before issue 13.
      const hint =
        variant !== 'inline' && record.failure === 'me-401' && !legacyComplete
          ? ' (the servers did not sign the session in when the operation ended ok: a build from before the SPA contract? try --legacy-complete)'
          : '';
      throw new Error(
        `smoke login (${variant}) failed: ${record.failure}${hint}\n${(variant === 'inline' ? inline : worker)?.recentOutput ?? ''}`,
      );
    }
  }
  agent.destroy();
  log('smoke logins ok');
  return stack;
}

/** What --serve prints: enough to point a browser, curl or a profiler at the stack. */
export function describeStack(stack: Stack): string {
  return JSON.stringify({
    apiUrl: stack.apiUrl,
    inlineUrl: stack.inlineUrl,
    emulatorUrl: stack.emulatorUrl,
    pids: {
      api: stack.api?.pid,
      worker: stack.worker?.pid,
      inline: stack.inline?.pid,
      emulator: stack.emulator.pid,
    },
    sockets: stack.sockets,
    userIds: stack.userIds.slice(0, 3),
  });
}

export interface ServerFacts {
  versions: { mariadb: string; redis: string; node: string };
  redisClientsAtStart: number;
  /** How busy the shared Redis is without our load (our idle processes included). */
  redisBackgroundCommandsPerSecond: number;
}

export async function serverFacts(stack: Stack, quick: boolean): Promise<ServerFacts> {
  const [versionRows] = await stack.db.query<RowDataPacket[]>('SELECT VERSION() AS v');
  const redisVersion = /redis_version:(\S+)/.exec(await stack.redis.info('server'))?.[1] ?? '?';
  const redisClientsAtStart = Number(/connected_clients:(\d+)/.exec(await stack.redis.info('clients'))?.[1]);

  const idle0 = sum(await redisCommandStats(stack.redis));
  await sleep(quick ? 1000 : 3000);
  const idle1 = sum(await redisCommandStats(stack.redis));
  const redisBackgroundCommandsPerSecond = Math.round((idle1 - idle0 - 1) / (quick ? 1 : 3));
  log(
    `shared Redis background: ${redisBackgroundCommandsPerSecond} commands/s with the stack idle; ${redisClientsAtStart} clients`,
  );
  return {
    versions: { mariadb: String(versionRows[0]?.v), redis: redisVersion, node: process.version },
    redisClientsAtStart,
    redisBackgroundCommandsPerSecond,
  };
}

/** A load generator (bench/load.ts) in its own process, on the outside world's CPU. */
export function spawnLoad(stack: Stack, name: string, config: FlowsConfig | StreamsConfig): Proc {
  return new Proc({
    name,
    args: ['-r', 'ts-node/register/transpile-only', path.join(ROOT, 'bench', 'load.ts'), JSON.stringify(config)],
    env: { TS_NODE_PROJECT: path.join(ROOT, 'bench', 'tsconfig.json') },
    cpus: stack.cpus.world,
    nofile: stack.nofile,
    logFile: path.join(LOGS, `${name}.log`),
    cwd: ROOT,
    stdoutIsProtocol: true,
  });
}

/** Calls `on(event)` for each JSON line the load generator prints. */
export function onLines(proc: Proc, on: (event: Record<string, unknown>) => void): void {
  let buffer = '';
  proc.child.stdout!.setEncoding('utf8');
  proc.child.stdout!.on('data', (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (line.startsWith('{')) on(JSON.parse(line) as Record<string, unknown>);
    }
  });
}

/** The processes whose CPU a scenario of `variant` reports. */
export function processesOf(stack: Stack, variant: Variant, load?: Proc): Record<string, number | undefined> {
  const servers =
    variant === 'inline' ? { inline: stack.inline?.pid } : { api: stack.api?.pid, worker: stack.worker?.pid };
  return {
    ...servers,
    emulator: stack.emulator.pid,
    load: load?.pid,
    mariadb: stack.serverPids.mariadb,
    redis: stack.serverPids.redis,
  };
}

/** Our processes' pids, plus MariaDB's and Redis's: everything else on the machine is "other load". */
function ourPids(stack: Stack): number[] {
  return [stack.api, stack.worker, stack.inline, stack.emulator]
    .filter((p): p is Proc => Boolean(p))
    .map((p) => p.pid)
    .concat([stack.serverPids.mariadb, stack.serverPids.redis, process.pid].filter((p): p is number => Boolean(p)));
}

/**
 * The machine is shared: before measuring, wait (up to maxWaitMs) until the
 * rest of it uses less than `threshold` cores over a one-second sample.
 */
export async function waitForQuiet(stack: Stack, maxWaitMs: number, threshold = 0.3): Promise<number> {
  const began = performance.now();
  for (;;) {
    const pids = ourPids(stack);
    const m0 = machineBusyMs();
    const o0 = pids.reduce((acc, pid) => acc + (cpuMs(pid) || 0), 0);
    const t0 = performance.now();
    await sleep(1000);
    const other =
      (machineBusyMs() - m0 - (pids.reduce((acc, pid) => acc + (cpuMs(pid) || 0), 0) - o0)) / (performance.now() - t0);
    const waited = performance.now() - began;
    if (other < threshold || waited > maxWaitMs) {
      if (waited > 1500)
        log(`  waited ${Math.round(waited / 1000)} s for other load to settle (now ${other.toFixed(2)} cores)`);
      return Math.round(waited);
    }
  }
}

/** Changes the CPU affinity of every thread of a running process. */
export function repin(proc: Proc | undefined, cpus: string): void {
  if (proc) execFileSync('taskset', ['-a', '-p', '-c', cpus, String(proc.pid)], { stdio: 'ignore' });
}
