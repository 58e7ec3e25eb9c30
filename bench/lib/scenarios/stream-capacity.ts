import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import Bull from 'bull';
import { databaseIdentity } from '../../../libs/database/src/mysql-options';
import { summarizeCpuProfile, type ProfileSummary } from '../cpu-profile';
import { heapDiff } from '../heap-snapshot';
import { BenchBrowser, keepAliveAgent } from '../http-client';
import { log } from '../log';
import type { BenchOptions } from '../options';
import { probe } from '../processes';
import type { EventLoopDelay, StreamCapacityResult, StreamHeap } from '../results';
import { DATABASE_URL, PROFILES, REDIS_PREFIX, REDIS_URL } from '../settings';
import { emulatorKnob, onLines, spawnLoad, type Stack } from '../stack';
import type { Summary } from '../stats';
import { cpuMs, mariadbCounters, vmRssKiB } from '../system';

interface StreamRound {
  count: number;
  /** Heap snapshots before and after opening (they stall the API, so this round is not timed). */
  heapSnapshots?: boolean;
  profile?: boolean;
}

export interface StreamCapacity {
  rounds: StreamCapacityResult[];
  heap?: StreamHeap;
}

/** RSS moves with the GC (it can even shrink while streams open); the heap after a full GC is the steady figure. */
const perStream = (r: StreamCapacityResult) =>
  `per stream: RSS ${r.rssPerStreamKiB >= 0 ? '+' : ''}${r.rssPerStreamKiB} KiB, heap +${r.heapUsedPerStreamKiB} KiB`;

const EMPTY_STREAM_RESULT: StreamCapacityResult = {
  streams: 0,
  opened: 0,
  received: 0,
  openMs: NaN,
  finalStatuses: [],
  deliveryMs: null,
  cdf: [],
  rssBeforeKiB: NaN,
  rssOpenKiB: NaN,
  rssPerStreamKiB: NaN,
  heapUsedPerStreamKiB: NaN,
  apiEventLoopDelayMs: { p50: NaN, p99: NaN, max: NaN, mean: NaN },
  apiCpuUtilisationWhileOpen: NaN,
  mariadbStatementsPerSecondWhileOpen: NaN,
};

/**
 * How many open streams one API process holds, and what delivering one event to
 * all of them costs: a round per count (a failed round is reported in `errors`,
 * the others still run), then the heap-snapshot round. CPU profile summaries of
 * the largest round go into `profiles`.
 */
export async function streamCapacity(
  stack: Stack,
  options: Pick<BenchOptions, 'streamCounts' | 'profile' | 'heapSnapshot'>,
  profiles: ProfileSummary[],
  errors: string[],
): Promise<StreamCapacity> {
  const { streamCounts } = options;
  const results: StreamCapacityResult[] = [];
  let heap: StreamHeap | undefined;
  // The heap-snapshot round goes last: a snapshot leaves the API's RSS inflated, which would skew the timed rounds.
  const rounds: StreamRound[] = [
    ...streamCounts.map((count) => ({ count, profile: options.profile && count === Math.max(...streamCounts) })),
    ...(options.heapSnapshot ? [{ count: Math.min(1000, streamCounts[0]), heapSnapshots: true }] : []),
  ];
  const agent = keepAliveAgent();
  // The project's login queue, to pause and resume it (the name is EXCHANGE_QUEUE and the
  // prefix exchangeQueuePrefix() in libs/auth: the Redis prefix, then the database).
  const exchangeQueue = new Bull('exchange', REDIS_URL, {
    prefix: `${REDIS_PREFIX}:bull:${databaseIdentity(DATABASE_URL)}`,
  });
  for (const round of rounds) {
    try {
      const r = await streamRound(stack, exchangeQueue, agent, round, profiles);
      if (round.heapSnapshots) {
        heap = r.heapPerStream ? { streams: round.count, ...r.heapPerStream } : undefined;
        log(`  heap per stream: ${r.heapPerStream?.totalBytesPerUnit} bytes`);
      } else {
        results.push(r);
        log(
          `  delivered to ${r.received}/${r.opened}: p50 ${r.deliveryMs?.p50} ms, p99 ${r.deliveryMs?.p99} ms, max ${r.deliveryMs?.max} ms; ${perStream(r)}`,
        );
      }
    } catch (error) {
      const message = (error as Error).message;
      log(`  stream round ${round.count} failed: ${message.split('\n')[0]}`);
      errors.push(`stream capacity ${round.count}: ${message}`);
      if (!round.heapSnapshots)
        results.push({ ...EMPTY_STREAM_RESULT, streams: round.count, error: message.split('\n')[0] });
      await exchangeQueue.resume().catch(() => undefined);
    }
    // Let the API forget the closed sockets before the next round.
    await sleep(3000);
  }
  agent.destroy();
  await exchangeQueue.close();
  return { rounds: results, heap };
}

async function streamRound(
  stack: Stack,
  exchangeQueue: Bull.Queue,
  agent: ReturnType<typeof keepAliveAgent>,
  round: StreamRound,
  profiles: ProfileSummary[],
): Promise<StreamCapacityResult> {
  const { count } = round;
  log(
    `stream capacity: ${count} open streams on one API process${round.heapSnapshots ? ' (heap snapshots, not timed)' : ''}`,
  );
  await emulatorKnob(stack, 'PUT', '/config', { latency: null, failureRate: 0 });
  // One pending operation: the login queue is paused (Bull's global pause, in Redis) while the
  // callback queues its job and the streams open; the worker stays up and warm.
  await exchangeQueue.pause();
  const browser = new BenchBrowser(new URL(stack.apiUrl), agent, new URL(stack.apiUrl).origin);
  const start = await browser.get('/auth/facebook');
  const dialog = new URL(start.location!);
  const form = new URLSearchParams(dialog.searchParams);
  form.set('user_id', stack.userIds[0]);
  const confirm = await browser.postForm(new URL(`${stack.emulatorUrl}/v25.0/dialog/oauth/confirm`), form);
  const callback = new URL(confirm.location!);
  const landed = await browser.get(callback.pathname + callback.search);
  if (!landed.location?.startsWith('/login/pending')) throw new Error(`callback went to ${landed.location}`);

  await sleep(1000);
  const snapBefore = path.join(stack.tmp, `api-before-${count}.heapsnapshot`);
  const snapOpen = path.join(stack.tmp, `api-open-${count}.heapsnapshot`);
  if (round.heapSnapshots)
    await probe(stack.sockets.api, `/heapsnapshot?file=${encodeURIComponent(snapBefore)}`, 120000);
  const memBefore = await probe<{ rss: number; heapUsed: number }>(stack.sockets.api, '/memory?gc=1');
  const rssBeforeKiB = vmRssKiB(stack.api!.pid);
  const load = spawnLoad(stack, `load-streams-${count}${round.heapSnapshots ? '-heap' : ''}`, {
    mode: 'streams',
    apiUrl: stack.apiUrl,
    cookie: browser.cookieHeader(),
    count,
    batch: 250,
    finalTimeoutMs: 60000,
    databaseUrl: DATABASE_URL,
  });
  let opened: Record<string, unknown> | undefined;
  let result: Record<string, unknown> | undefined;
  let openedNow: () => void = () => undefined;
  const openedPromise = new Promise<void>((resolve) => (openedNow = resolve));
  onLines(load, (event) => {
    if (event.event === 'opened') {
      opened = event;
      openedNow();
    } else if (event.event === 'result') result = event;
  });
  await Promise.race([openedPromise, load.exited]);
  if (!opened)
    throw new Error(
      `stream load generator failed (exit ${load.child.exitCode ?? load.child.signalCode}):\n${load.recentOutput}`,
    );
  log(`  ${String(opened.count)} open (${String(opened.failed)} failed) in ${Math.round(Number(opened.openMs))} ms`);

  // While they are open (and the operation pending): what idle streams cost, and memory.
  await sleep(1000);
  const cpu0 = cpuMs(stack.api!.pid);
  const sql0 = (await mariadbCounters(stack.db)).Questions;
  const t0 = performance.now();
  await sleep(5000);
  const apiCpuUtilisationWhileOpen =
    Math.round(((cpuMs(stack.api!.pid) - cpu0) / (performance.now() - t0)) * 100) / 100;
  const mariadbStatementsPerSecondWhileOpen = Math.round(
    (((await mariadbCounters(stack.db)).Questions - sql0) / (performance.now() - t0)) * 1000,
  );
  const memOpen = await probe<{ rss: number; heapUsed: number }>(stack.sockets.api, '/memory?gc=1');
  const rssOpenKiB = vmRssKiB(stack.api!.pid);
  if (round.heapSnapshots) await probe(stack.sockets.api, `/heapsnapshot?file=${encodeURIComponent(snapOpen)}`, 120000);
  const profileFile = path.join(PROFILES, `api-streams-${count}.cpuprofile`);
  if (round.profile) {
    // 3 s of idle open streams (their re-reads), then the fan-out and the streams ending.
    fs.mkdirSync(PROFILES, { recursive: true });
    await probe(stack.sockets.api, '/profile/start');
    await sleep(3000);
  }
  await probe(stack.sockets.api, '/eld/reset');
  await exchangeQueue.resume();
  await load.exited;
  const eld = await probe<EventLoopDelay>(stack.sockets.api, '/eld');
  if (round.profile) {
    await sleep(2000);
    await probe(stack.sockets.api, `/profile/stop?file=${encodeURIComponent(profileFile)}`, 120000);
    profiles.push(summarizeCpuProfile(profileFile));
  }
  if (!result)
    throw new Error(
      `stream load generator ended without a result (exit ${load.child.exitCode ?? load.child.signalCode}):\n${load.recentOutput}`,
    );
  const openedCount = Number(opened.count) || 1;
  const heapPerStream = round.heapSnapshots ? heapDiff(snapBefore, snapOpen, openedCount) : undefined;
  [snapBefore, snapOpen].forEach((f) => fs.rmSync(f, { force: true }));
  return {
    streams: count,
    opened: Number(opened.count),
    failedToOpen: Number(opened.failed),
    firstOpenFailure: opened.firstFailure as string | undefined,
    received: Number(result.received),
    openMs: Math.round(Number(opened.openMs)),
    finalStatuses: result.finalStatuses as string[],
    deliveryMs: result.deliveryMs as Summary | null,
    cdf: result.cdf as Array<[number, number]>,
    rssBeforeKiB,
    rssOpenKiB,
    rssPerStreamKiB: Math.round(((rssOpenKiB - rssBeforeKiB) / openedCount) * 100) / 100,
    heapUsedPerStreamKiB: Math.round(((memOpen.heapUsed - memBefore.heapUsed) / 1024 / openedCount) * 100) / 100,
    apiEventLoopDelayMs: eld,
    apiCpuUtilisationWhileOpen,
    mariadbStatementsPerSecondWhileOpen,
    heapPerStream,
  };
}
