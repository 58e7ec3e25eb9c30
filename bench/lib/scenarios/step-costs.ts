import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RowDataPacket } from 'mysql2/promise';
import { runFlow } from '../flows';
import { BenchBrowser, keepAliveAgent } from '../http-client';
import type { BenchOptions } from '../options';
import type { StepCost } from '../results';
import { DATABASE } from '../settings';
import { emulatorKnob, flowTarget, waitForQuiet, type Stack } from '../stack';
import { summarize, type Summary } from '../stats';
import { cpuMs, diffCounts, mariadbCounters, redisCommandStats, sum } from '../system';

/** n sse logins in a row, each as the load generator's browsers do it; throws on the first that fails. */
export async function loginsOneAtATime(stack: Stack, n: number, legacyComplete: boolean): Promise<void> {
  const agent = keepAliveAgent();
  try {
    for (let i = 0; i < n; i++) {
      const target = flowTarget(stack.apiUrl, `${stack.emulatorUrl}/v25.0`, agent, legacyComplete);
      const record = await runFlow('sse', target, stack.userIds[i % stack.userIds.length]);
      if (!record.ok) throw new Error(`sse login ${i + 1} failed: ${record.failure}`);
    }
  } finally {
    agent.destroy();
  }
}

export interface StepCosts {
  steps: StepCost[];
  /** Status delivery of the sse logins, with nothing else running (undefined: none was received). */
  unloadedDelivery?: Summary | null;
}

/**
 * Where one login's cost goes: `n` logins one after the other (nothing else
 * running), with API/worker/inline CPU, Redis commands and SQL statements
 * counted around every step of the flow.
 */
export async function stepCosts(
  stack: Stack,
  options: Pick<BenchOptions, 'quick' | 'legacyComplete'>,
  variant: 'sse' | 'inline',
  n: number,
): Promise<StepCosts> {
  if (!options.quick) await waitForQuiet(stack, 30000);
  await emulatorKnob(stack, 'PUT', '/config', { latency: null, failureRate: 0 });
  const agent = keepAliveAgent();
  const base = variant === 'inline' ? stack.inlineUrl : stack.apiUrl;
  const pids: Record<string, number | undefined> =
    variant === 'inline' ? { inline: stack.inline?.pid } : { api: stack.api?.pid, worker: stack.worker?.pid };
  const acc = new Map<
    string,
    { cpu: Record<string, number>; redis: Record<string, number>; sql: number; wall: number }
  >();
  const received: Array<{ id: string; at: number }> = [];
  const measure = async <T>(step: string, action: () => Promise<T>): Promise<T> => {
    const r0 = await redisCommandStats(stack.redis);
    const q0 = (await mariadbCounters(stack.db)).Questions;
    const c0 = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, pid ? cpuMs(pid) : 0]));
    const t0 = performance.now();
    const result = await action();
    const wall = performance.now() - t0;
    const c1 = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, pid ? cpuMs(pid) : 0]));
    const q1 = (await mariadbCounters(stack.db)).Questions;
    const r1 = await redisCommandStats(stack.redis);
    const entry = acc.get(step) ?? { cpu: {}, redis: {}, sql: 0, wall: 0 };
    for (const k of Object.keys(c0)) entry.cpu[k] = (entry.cpu[k] ?? 0) + (c1[k] - c0[k]);
    for (const [cmd, count] of Object.entries(diffCounts(r0, r1))) {
      if (cmd !== 'info') entry.redis[cmd] = (entry.redis[cmd] ?? 0) + count;
    }
    // Minus the SHOW GLOBAL STATUS that read the counter.
    entry.sql += q1 - q0 - 1;
    entry.wall += wall;
    acc.set(step, entry);
    return result;
  };
  for (let i = 0; i < n; i++) {
    const browser = new BenchBrowser(new URL(base), agent, new URL(base).origin);
    const start = await measure('GET /auth/facebook', () => browser.get('/auth/facebook'));
    const dialog = new URL(start.location!);
    const form = new URLSearchParams(dialog.searchParams);
    form.set('user_id', stack.userIds[i % stack.userIds.length]);
    const confirm = await measure('POST dialog confirm (emulator)', () =>
      browser.postForm(new URL(`${stack.emulatorUrl}/v25.0/dialog/oauth/confirm`), form),
    );
    const callback = new URL(confirm.location!);
    await measure(
      variant === 'inline'
        ? 'GET callback (exchange + /me + upsert + sign-in inside)'
        : 'GET callback (record + queue)',
      () => browser.get(callback.pathname + callback.search),
    );
    if (variant === 'sse') {
      // On the SPA contract the ok event means signed in; GET /api/me below is the check that it is.
      const stream = await measure('SSE /api/auth/operation/events until ok (the worker runs meanwhile)', () =>
        browser.events(
          '/api/auth/operation/events',
          (m) => m.event === 'status' && !m.data.includes('"pending"'),
          20000,
        ),
      );
      if (stream.hit && stream.hitAt)
        received.push({ id: (JSON.parse(stream.hit.data) as { id: string }).id, at: stream.hitAt });
      if (options.legacyComplete)
        await measure('POST /api/auth/complete', () => browser.postJson('/api/auth/complete', {}));
    }
    const me = await measure('GET /api/me', () => browser.get('/api/me'));
    if (me.status !== 200)
      throw new Error(`one-at-a-time ${variant} login ${i + 1}: GET /api/me answered ${me.status}, not 200`);
    await measure('idle 50 ms (background timers)', () => sleep(50));
  }
  agent.destroy();
  let unloadedDelivery: Summary | null | undefined;
  if (received.length) {
    // Status delivery with nothing else running: commit (finished_at) → the stream's bytes.
    const [rows] = await stack.db.query<RowDataPacket[]>(
      `SELECT public_id, UNIX_TIMESTAMP(finished_at) AS f FROM \`${DATABASE}\`.async_operation WHERE public_id IN (?)`,
      [received.map((r) => r.id)],
    );
    const finished = new Map(rows.map((row) => [String(row.public_id), Number(row.f) * 1000]));
    unloadedDelivery = summarize(received.filter((r) => finished.has(r.id)).map((r) => r.at - finished.get(r.id)!));
  }
  const r2 = (x: number) => Math.round((x / n) * 100) / 100;
  const steps = [...acc.entries()].map(([step, e]) => ({
    variant,
    step,
    cpuMs: Object.fromEntries(Object.entries(e.cpu).map(([k, v]) => [k, r2(v)])),
    redisCommands: r2(sum(e.redis)),
    redisTop: Object.fromEntries(
      Object.entries(e.redis)
        .sort((x, y) => y[1] - x[1])
        .slice(0, 8)
        .map(([k, v]) => [k, r2(v)]),
    ),
    sqlStatements: r2(e.sql),
    wallMs: r2(e.wall),
  }));
  return { steps, unloadedDelivery };
}
