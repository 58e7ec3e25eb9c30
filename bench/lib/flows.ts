import type http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { BenchBrowser, wallClock } from './http-client';

export type Variant = 'sse' | 'poll' | 'inline';

export interface FlowTarget {
  /** Where this browser's requests go (the API or the inline app). */
  apiUrl: URL;
  /** PUBLIC_URL's origin, sent as Origin on POSTs. */
  origin: string;
  /** The emulator's Graph base (`/<FACEBOOK_GRAPH_VERSION>`). */
  facebookBase: string;
  agent: http.Agent;
  pollIntervalMs: number;
  /** A flow still running after this long is abandoned (counted as not signed in). */
  flowTimeoutMs: number;
  /**
   * Servers from before the SPA contract of issue 13 (e.g. an older build run
   * with --dist): after the final ok the browser still has to
   * `POST /api/auth/complete` before it is signed in.
   */
  legacyComplete?: boolean;
}

/** What one login looked like from the browser. Times are wall-clock ms (see wallClock). */
export interface FlowRecord {
  startedAt: number;
  callbackSentAt?: number;
  callbackAnsweredAt?: number;
  /** When the browser had the final status (sse: the event's bytes; poll: the answer). */
  finalStatusAt?: number;
  /**
   * When the browser was signed in: sse, the ok event's bytes when that event
   * carries the user (the SPA shows it without another request); otherwise the
   * 200 of GET /api/me.
   */
  signedInAt?: number;
  /** When GET /api/me answered 200 (the bench's check that the session really is signed in). */
  verifiedAt?: number;
  ok: boolean;
  /** Why it did not end signed in (a reason code, an HTTP status, an exception). */
  failure?: string;
  operationId?: string;
  apiRequests: number;
  facebookRequests: number;
  polls?: number;
}

/** The status JSON (GET /api/auth/operation and each `status` event's data). */
export interface OperationJson {
  id: string;
  status: 'pending' | 'ok' | 'error';
  error?: { code: string };
  /** The final ok event: the session is already signed in as this user. */
  user?: { id: string; firstName?: string; lastName?: string; email?: string | null };
  returnTo?: string;
}

class FlowFailure extends Error {}

const fail = (why: string): never => {
  throw new FlowFailure(why);
};

/**
 * One sign-in, as the SPA (sse, poll) or a classic passport app's browser
 * (inline) does it, on the SPA contract of issue 13 (the session is signed
 * in on the server when its operation ends ok; there is no complete step):
 *   GET /auth/facebook → POST the dialog's confirm → GET the callback (302 /login/pending) →
 *   sse:    GET /api/auth/operation/events until the final `status` event; an ok
 *           event with `user` = signed in at its arrival (no other request needed);
 *   poll:   GET /api/auth/operation at once, then every pollIntervalMs until final;
 *           signed in = the 200 of the GET /api/me that follows;
 *   inline: (the callback did the exchange and signed in); signed in = GET /api/me 200.
 *   → GET /api/me, which must answer 200 (for sse a check, counted in requests and CPU but
 *     not in the signed-in time; an ok event without `user` falls back to its time).
 * legacyComplete puts the old `POST /api/auth/complete` (200) before that GET /api/me.
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

    // Set when the final status itself signed the browser in (sse, an ok event carrying the user).
    let signedInByEvent: number | undefined;
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
      if (view.user?.id && !target.legacyComplete) signedInByEvent = stream.hitAt;
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

    if (variant !== 'inline' && target.legacyComplete) {
      const complete = await browser.postJson('/api/auth/complete', {});
      if (complete.status !== 200) fail(`complete-${complete.status}`);
    }
    // Proof that the server really signed this session in (for sse, after the event already did).
    const me = await browser.get('/api/me');
    if (me.status !== 200) fail(`me-${me.status}`);
    record.verifiedAt = wallClock.now();
    record.signedInAt = signedInByEvent ?? record.verifiedAt;
    record.ok = true;
  } catch (error) {
    record.failure = error instanceof FlowFailure ? error.message : `exception: ${(error as Error).message}`;
  }
  record.apiRequests = browser.count.api;
  record.facebookRequests = browser.count.facebook;
  return record;
}
