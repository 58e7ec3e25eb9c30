import type http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { BenchBrowser, wallClock } from './http-client';

export type Variant = 'sse' | 'poll' | 'inline';

export interface FlowTarget {
  /** Where this browser's requests go (the API or the inline app). */
  apiUrl: URL;
  /** PUBLIC_URL's origin, sent as Origin on POSTs. */
  origin: string;
  /** The emulator's `/v25.0` base. */
  facebookBase: string;
  agent: http.Agent;
  pollIntervalMs: number;
  /** A flow still running after this long is abandoned (counted as not signed in). */
  flowTimeoutMs: number;
}

/** What one login looked like from the browser. Times are wall-clock ms (see wallClock). */
export interface FlowRecord {
  startedAt: number;
  callbackSentAt?: number;
  callbackAnsweredAt?: number;
  /** When the browser had the final status (sse: the event's bytes; poll: the answer). */
  finalStatusAt?: number;
  signedInAt?: number;
  ok: boolean;
  /** Why it did not end signed in (a reason code, an HTTP status, an exception). */
  failure?: string;
  operationId?: string;
  apiRequests: number;
  facebookRequests: number;
  polls?: number;
}

interface OperationJson {
  id: string;
  status: 'pending' | 'ok' | 'error';
  error?: { code: string };
}

class FlowFailure extends Error {}

const fail = (why: string): never => {
  throw new FlowFailure(why);
};

/**
 * One sign-in, as the SPA (sse, poll) or a classic passport app's browser
 * (inline) does it:
 *   GET /auth/facebook → POST the dialog's confirm → GET the callback →
 *   sse:    GET /api/auth/operation/events until final → POST /api/auth/complete
 *   poll:   GET /api/auth/operation at once, then every pollIntervalMs → POST complete
 *   inline: (the callback did the exchange and signed in)
 *   → GET /api/me (200 = signed in).
 */
export async function runFlow(variant: Variant, target: FlowTarget, userId: string): Promise<FlowRecord> {
  const browser = new BenchBrowser(target.apiUrl, target.agent, target.origin);
  const record: FlowRecord = { startedAt: wallClock.now(), ok: false, apiRequests: 0, facebookRequests: 0 };
  const deadline = record.startedAt + target.flowTimeoutMs;
  try {
    const start = await browser.get('/auth/facebook');
    if (start.status !== 302 || !start.location) fail(`start-${start.status}`);
    const dialog = new URL(start.location!);
    if (dialog.pathname.startsWith('/login/error')) fail(dialog.searchParams.get('reason') ?? 'start-error');

    const form = new URLSearchParams(dialog.searchParams);
    form.set('user_id', userId);
    const confirm = await browser.postForm(new URL(`${target.facebookBase}/dialog/oauth/confirm`), form);
    if (confirm.status !== 302 || !confirm.location) fail(`dialog-${confirm.status}`);
    const callback = new URL(confirm.location!);

    record.callbackSentAt = wallClock.now();
    const landed = await browser.get(callback.pathname + callback.search);
    record.callbackAnsweredAt = wallClock.now();
    if (landed.status !== 302 || !landed.location) fail(`callback-${landed.status}`);
    const next = new URL(landed.location!, target.apiUrl);
    if (next.pathname.startsWith('/login/error')) fail(next.searchParams.get('reason') ?? 'callback-error');

    if (variant === 'sse') {
      const remaining = Math.max(1, deadline - wallClock.now());
      const stream = await browser.events(
        '/api/auth/operation/events',
        (m) => m.event === 'status' && (JSON.parse(m.data) as OperationJson).status !== 'pending',
        remaining,
      );
      if (!stream.hit) fail(`stream-ended-${stream.status}`);
      const view = JSON.parse(stream.hit!.data) as OperationJson;
      record.finalStatusAt = stream.hitAt;
      record.operationId = view.id;
      if (view.status !== 'ok') fail(view.error?.code ?? 'error');
    } else if (variant === 'poll') {
      let polls = 0;
      for (;;) {
        const answer = await browser.get('/api/auth/operation');
        polls++;
        if (answer.status !== 200) fail(`poll-${answer.status}`);
        const view = JSON.parse(answer.body) as OperationJson;
        record.operationId = view.id;
        if (view.status !== 'pending') {
          record.finalStatusAt = wallClock.now();
          record.polls = polls;
          if (view.status !== 'ok') fail(view.error?.code ?? 'error');
          break;
        }
        if (wallClock.now() + target.pollIntervalMs > deadline) fail('flow-timeout');
        await sleep(target.pollIntervalMs);
      }
    }

    if (variant !== 'inline') {
      const complete = await browser.postJson('/api/auth/complete', {});
      if (complete.status !== 200) fail(`complete-${complete.status}`);
    }
    const me = await browser.get('/api/me');
    if (me.status !== 200) fail(`me-${me.status}`);
    record.signedInAt = wallClock.now();
    record.ok = true;
  } catch (error) {
    record.failure = error instanceof FlowFailure ? error.message : `exception: ${(error as Error).message}`;
  }
  record.apiRequests = browser.count.api;
  record.facebookRequests = browser.count.facebook;
  return record;
}
