/**
 * The load generator: a separate process from every server, started by
 * bench/run.ts once per scenario with its configuration as a JSON argument.
 * It speaks to its parent in JSON lines on stdout (`{"event": …}`); the last
 * line is the result. Progress and errors go to stderr.
 *
 *   flows   — by `arrival`:
 *             closed (default): `concurrency` simulated browsers, each signing in
 *               again as soon as its previous login ended, for warmupMs +
 *               durationMs; flows still running then are drained (up to drainMs);
 *             burst: `count` logins fired at the same instant, once, when the parent
 *               writes a line to stdin (after it read its counters at window-start);
 *               the window is from that instant until the last one ended (at most durationMs);
 *             open: logins arriving at `ratePerSecond` whatever the servers do
 *               (Poisson or evenly spaced), for warmupMs + durationMs, then drained.
 *   streams — opens `count` SSE connections with one session cookie (they all
 *             watch the same pending operation), in batches, reports when all
 *             got their first event, then records when each receives the final one.
 */
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createConnection, type RowDataPacket } from 'mysql2/promise';
import { keepAliveAgent, wallClock } from './lib/http-client';
import { runFlow, type FlowRecord, type Variant } from './lib/flows';
import { cdfPoints, summarize } from './lib/stats';

/** How logins arrive. Closed: a fixed number in flight. Burst: all at once. Open: at a rate, however many are in flight. */
export type Arrival =
  | { kind: 'closed' }
  | { kind: 'burst'; count: number }
  | { kind: 'open'; ratePerSecond: number; process: 'poisson' | 'even' };

export interface FlowsConfig {
  mode: 'flows';
  variant: Variant;
  /** Default closed (`concurrency` browsers in a loop). */
  arrival?: Arrival;
  apiUrl: string;
  origin: string;
  facebookBase: string;
  /** Emulator test users to sign in as, round robin. */
  userIds: string[];
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  drainMs: number;
  pollIntervalMs: number;
  flowTimeoutMs: number;
  /** Servers from before issue 13's SPA contract: POST /api/auth/complete after ok (see FlowTarget). */
  legacyComplete?: boolean;
  /** To read each operation's finished_at (status delivery delay). */
  databaseUrl?: string;
}

export interface StreamsConfig {
  mode: 'streams';
  apiUrl: string;
  cookie: string;
  count: number;
  batch: number;
  /** How long to wait for the final event once every stream is open. */
  finalTimeoutMs: number;
  databaseUrl: string;
}

const emit = (event: string, data: object = {}) => process.stdout.write(JSON.stringify({ event, ...data }) + '\n');
const log = (message: string) => process.stderr.write(`[load] ${message}\n`);

/** finished_at of each operation as epoch ms (UNIX_TIMESTAMP in the same session time zone that wrote it). */
async function finishedAt(databaseUrl: string, ids: string[]): Promise<Map<string, number>> {
  const result = new Map<string, number>();
  if (!ids.length) return result;
  const db = await createConnection(databaseUrl.replace(/^mariadb:/, 'mysql:'));
  try {
    for (let i = 0; i < ids.length; i += 1000) {
      const chunk = ids.slice(i, i + 1000);
      const [rows] = await db.query<RowDataPacket[]>(
        'SELECT public_id, UNIX_TIMESTAMP(finished_at) AS f FROM async_operation WHERE public_id IN (?) AND finished_at IS NOT NULL',
        [chunk],
      );
      for (const row of rows) result.set(String(row.public_id), Number(row.f) * 1000);
    }
  } finally {
    await db.end();
  }
  return result;
}

/** Date.now() − wallClock.now(): within (−1, 0] ms while the two clocks agree (Date.now() floors). */
const clockOffset = () => Math.round((Date.now() - wallClock.now()) * 1000) / 1000;

/** A small seeded generator (mulberry32): the same arrival times on every run. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The next line on stdin (the parent's "go" once it has its counters), or undefined after timeoutMs. */
function nextStdinLine(timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    let buffer = '';
    const done = (line: string | undefined) => {
      clearTimeout(timer);
      process.stdin.off('data', onData);
      process.stdin.pause();
      resolve(line);
    };
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const nl = buffer.indexOf('\n');
      if (nl >= 0) done(buffer.slice(0, nl));
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    process.stdin.on('data', onData);
    process.stdin.resume();
  });
}

async function runFlows(config: FlowsConfig): Promise<void> {
  const clockAtStart = clockOffset();
  const agent = keepAliveAgent();
  const arrival: Arrival = config.arrival ?? { kind: 'closed' };
  const target = {
    apiUrl: new URL(config.apiUrl),
    origin: config.origin,
    facebookBase: config.facebookBase,
    agent,
    pollIntervalMs: config.pollIntervalMs,
    flowTimeoutMs: config.flowTimeoutMs,
    legacyComplete: config.legacyComplete,
  };
  const records: FlowRecord[] = [];
  let nextUser = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const oneLogin = async () => {
    const userId = config.userIds[nextUser++ % config.userIds.length];
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const record = await runFlow(config.variant, target, userId);
    inFlight--;
    records.push(record);
  };

  let windowStart: number;
  let windowEnd: number;
  let outcome: 'drained' | 'timeout';
  /** open: how late each arrival of the window left against its schedule (the generator's own lag). */
  const arrivalLagMs: number[] = [];
  let arrivalsInWindow = 0;
  if (arrival.kind === 'burst') {
    // The parent reads its counters at window-start and answers "go": only then fire, so the
    // counters hold the whole burst and nothing else.
    emit('window-start', { at: wallClock.now() });
    await nextStdinLine(10000);
    windowStart = wallClock.now();
    const all = Promise.all(Array.from({ length: arrival.count }, () => oneLogin()));
    let capTimer: NodeJS.Timeout | undefined;
    const cap = new Promise<'timeout'>((resolve) => {
      capTimer = setTimeout(() => resolve('timeout'), config.durationMs);
    });
    outcome = await Promise.race([all.then(() => 'drained' as const), cap]);
    clearTimeout(capTimer);
    // Just past the last sign-in, so that it counts as inside the window.
    windowEnd = wallClock.now() + 0.001;
    emit('window-end', { at: windowEnd, inFlight });
    arrivalsInWindow = arrival.count;
  } else {
    const begin = wallClock.now();
    windowStart = begin + config.warmupMs;
    windowEnd = windowStart + config.durationMs;
    let windowEnded: () => void = () => undefined;
    const windowOver = new Promise<void>((resolve) => (windowEnded = resolve));
    const windowTimers = [
      setTimeout(() => emit('window-start', { at: wallClock.now() }), config.warmupMs),
      setTimeout(() => {
        emit('window-end', { at: wallClock.now(), inFlight });
        windowEnded();
      }, config.warmupMs + config.durationMs),
    ];
    let flows: Promise<unknown>;
    if (arrival.kind === 'open') {
      // Arrivals on a schedule fixed in advance: a slow server makes logins pile up, never arrive later.
      const random = seededRandom(13);
      const gapMs = () =>
        arrival.process === 'even'
          ? 1000 / arrival.ratePerSecond
          : (-Math.log(1 - random()) * 1000) / arrival.ratePerSecond;
      const started: Array<Promise<void>> = [];
      for (let at = begin + gapMs(); at < windowEnd; at += gapMs()) {
        const wait = at - wallClock.now();
        if (wait > 0) await sleep(wait);
        if (at >= windowStart) {
          arrivalsInWindow++;
          arrivalLagMs.push(Math.max(0, wallClock.now() - at));
        }
        started.push(oneLogin());
      }
      // The last logins may end before the window does: let it run out (window-end must fire).
      await windowOver;
      flows = Promise.all(started);
    } else {
      const browserLoop = async () => {
        while (wallClock.now() < windowEnd) await oneLogin();
      };
      flows = Promise.all(Array.from({ length: config.concurrency }, () => browserLoop()));
    }
    let drainTimer: NodeJS.Timeout | undefined;
    const drainDeadline = new Promise<'timeout'>((resolve) => {
      drainTimer = setTimeout(() => resolve('timeout'), Math.max(0, windowEnd + config.drainMs - wallClock.now()));
    });
    outcome = await Promise.race([flows.then(() => 'drained' as const), drainDeadline]);
    clearTimeout(drainTimer);
    windowTimers.forEach(clearTimeout);
  }
  const unfinished = outcome === 'timeout' ? inFlight : 0;
  const windowMs = windowEnd - windowStart;

  // Flows that began inside the window are the sample; throughput counts logins ended inside it.
  const sample = records.filter((r) => r.startedAt >= windowStart && r.startedAt < windowEnd);
  const completedInWindow = records.filter(
    (r) => r.ok && r.signedInAt! >= windowStart && r.signedInAt! < windowEnd,
  ).length;
  const ok = sample.filter((r) => r.ok);
  const failures: Record<string, number> = {};
  for (const r of sample) if (!r.ok) failures[r.failure ?? 'unknown'] = (failures[r.failure ?? 'unknown'] ?? 0) + 1;

  const callbackMs = sample
    .filter((r) => r.callbackAnsweredAt !== undefined)
    .map((r) => r.callbackAnsweredAt! - r.callbackSentAt!);
  const callbackToSignedInMs = ok.map((r) => r.signedInAt! - r.callbackSentAt!);
  const flowMs = ok.map((r) => r.signedInAt! - r.startedAt);

  const deliveryMs: number[] = [];
  let deliveryMissing = 0;
  if (config.variant !== 'inline' && config.databaseUrl) {
    const withStatus = sample.filter((r) => r.operationId && r.finalStatusAt !== undefined);
    const finished = await finishedAt(
      config.databaseUrl,
      withStatus.map((r) => r.operationId!),
    );
    for (const r of withStatus) {
      const f = finished.get(r.operationId!);
      if (f === undefined) deliveryMissing++;
      else deliveryMs.push(r.finalStatusAt! - f);
    }
  }

  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
  emit('result', {
    variant: config.variant,
    concurrency: config.concurrency,
    arrival,
    windowMs: Math.round(windowMs),
    maxInFlight,
    offeredRatePerSecond: arrival.kind === 'closed' ? undefined : arrivalsInWindow / (windowMs / 1000),
    arrivalLagMs: arrival.kind === 'open' ? summarize(arrivalLagMs) : undefined,
    flowsStarted: sample.length,
    signedIn: ok.length,
    unfinished,
    failures,
    completedInWindow,
    loginsPerSecond: completedInWindow / (windowMs / 1000),
    goodput: sample.length + unfinished ? ok.length / (sample.length + unfinished) : NaN,
    callbackMs: summarize(callbackMs),
    callbackToSignedInMs: summarize(callbackToSignedInMs),
    flowMs: summarize(flowMs),
    statusDeliveryMs: summarize(deliveryMs),
    statusDeliveryMissing: deliveryMissing,
    httpRequestsPerLogin: {
      api: mean(sample.map((r) => r.apiRequests)),
      facebook: mean(sample.map((r) => r.facebookRequests)),
      total: mean(sample.map((r) => r.apiRequests + r.facebookRequests)),
    },
    pollsPerLogin: config.variant === 'poll' ? mean(ok.map((r) => r.polls ?? 0)) : undefined,
    clockCheckMs: { start: clockAtStart, end: clockOffset() },
    cdf: {
      callbackToSignedInMs: cdfPoints(callbackToSignedInMs),
      callbackMs: cdfPoints(callbackMs),
      statusDeliveryMs: cdfPoints(deliveryMs),
    },
  });
  agent.destroy();
}

interface StreamState {
  socket: net.Socket;
  text: string;
  opened: boolean;
  failed?: string;
  finalAt?: number;
  finalStatus?: string;
  operationId?: string;
}

/** Raw sockets: the cheapest possible client, so its own work barely delays what it measures. */
function openStream(
  url: URL,
  cookie: string,
  onOpened: (s: StreamState) => void,
  onFinal: (s: StreamState) => void,
): StreamState {
  const socket = net.connect({ host: url.hostname, port: Number(url.port) });
  socket.setNoDelay(true);
  const state: StreamState = { socket, text: '', opened: false };
  socket.setEncoding('utf8');
  socket.on('connect', () =>
    socket.write(
      `GET /api/auth/operation/events HTTP/1.1\r\nHost: ${url.host}\r\nAccept: text/event-stream\r\nCookie: ${cookie}\r\nConnection: keep-alive\r\n\r\n`,
    ),
  );
  socket.on('data', (chunk: string) => {
    const at = wallClock.now();
    if (state.finalAt !== undefined) return;
    state.text += chunk;
    if (!state.opened) {
      if (!state.text.startsWith('HTTP/1.1 200')) {
        state.failed = state.text.slice(0, 40);
        state.opened = true;
        onOpened(state);
        return;
      }
      const m = /"id":"([^"]+)","status":"pending"/.exec(state.text);
      if (m) {
        state.opened = true;
        state.operationId = m[1];
        state.text = state.text.slice(m.index + m[0].length);
        onOpened(state);
      }
      return;
    }
    const final = /"status":"(ok|error)"/.exec(state.text);
    if (final) {
      state.finalAt = at;
      state.finalStatus = final[1];
      state.text = '';
      onFinal(state);
    } else if (state.text.length > 4096) {
      state.text = state.text.slice(-256);
    }
  });
  socket.on('error', (error) => {
    if (!state.opened) {
      state.failed = error.message;
      state.opened = true;
      onOpened(state);
    }
  });
  return state;
}

async function runStreams(config: StreamsConfig): Promise<void> {
  const url = new URL(config.apiUrl);
  const streams: StreamState[] = [];
  let finals = 0;
  let allFinal: () => void = () => undefined;
  const everyFinal = new Promise<void>((resolve) => (allFinal = resolve));
  let expected = config.count;
  const onFinal = () => {
    if (++finals >= expected) allFinal();
  };
  const openStart = wallClock.now();
  for (let i = 0; i < config.count; i += config.batch) {
    const size = Math.min(config.batch, config.count - i);
    await new Promise<void>((resolve) => {
      let opened = 0;
      for (let j = 0; j < size; j++) {
        streams.push(
          openStream(
            url,
            config.cookie,
            () => {
              if (++opened === size) resolve();
            },
            onFinal,
          ),
        );
      }
    });
  }
  const failed = streams.filter((s) => s.failed);
  // Streams the server refused will never hear the event: do not wait for them.
  expected = streams.length - failed.length;
  if (finals >= expected) allFinal();
  const operationId = streams.find((s) => s.operationId)?.operationId;
  emit('opened', {
    count: streams.length - failed.length,
    failed: failed.length,
    openMs: wallClock.now() - openStart,
    operationId,
    firstFailure: failed[0]?.failed,
  });
  log(`${streams.length - failed.length} streams open in ${Math.round(wallClock.now() - openStart)} ms`);

  // Not unref'd: once the server has closed every socket, this timer is what keeps the process alive.
  let finalTimer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    finalTimer = setTimeout(resolve, config.finalTimeoutMs);
  });
  await Promise.race([everyFinal, timeout]);
  clearTimeout(finalTimer);
  const received = streams.filter((s) => s.finalAt !== undefined);
  const clockAtEnd = clockOffset();
  for (const s of streams) s.socket.end();
  await new Promise((resolve) => setTimeout(resolve, 500));

  const finished = operationId ? await finishedAt(config.databaseUrl, [operationId]) : new Map<string, number>();
  const committedAt = operationId ? finished.get(operationId) : undefined;
  const delays = committedAt === undefined ? [] : received.map((s) => s.finalAt! - committedAt);
  emit('result', {
    count: config.count,
    opened: streams.length - failed.length,
    received: received.length,
    finalStatuses: [...new Set(received.map((s) => s.finalStatus))],
    deliveryMs: summarize(delays),
    cdf: cdfPoints(delays),
    clockCheckMs: { end: clockAtEnd },
  });
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as FlowsConfig | StreamsConfig;
  if (config.mode === 'flows') await runFlows(config);
  else if (config.mode === 'streams') await runStreams(config);
  else throw new Error('usage: load.ts <json config with mode flows|streams>');
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    log((error as Error).stack ?? String(error));
    process.exit(1);
  },
);
