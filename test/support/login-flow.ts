import type { EventSourceMessage } from 'eventsource-parser';
import type { TestBrowser } from './browser';
/** Anything that knows where the (emulated) Facebook is. */
export interface FacebookSide {
  facebookBase: string;
}

export interface UserJson {
  id: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  /** Permissions declined on the provider's dialog (`['email']`), `[]` when none. */
  declined: string[];
  pictureUrl: string | null;
}

export interface OperationJson {
  id: string;
  status: 'pending' | 'ok' | 'error';
  error?: { code: string; message: string };
  /** On ok: the session is signed in as this user. */
  user?: UserJson;
  /** On ok: where the SPA goes next. */
  returnTo?: string;
}

/** GET /auth/<provider> (Facebook unless told) and return the dialog URL it redirects to. */
export async function openDialog(browser: TestBrowser, provider = 'facebook', query = ''): Promise<URL> {
  const start = await browser.get(`/auth/${provider}${query}`);
  if (start.status !== 302 || !start.location) {
    throw new Error(`/auth/${provider} answered ${start.status}`);
  }
  return new URL(start.location);
}

/** Presses a button on the emulator's Google account chooser; returns where Google sends the browser. */
export async function answerGoogleChooser(dialog: URL, action: { sub: string } | 'cancel'): Promise<URL> {
  const form = new URLSearchParams(dialog.searchParams);
  if (action !== 'cancel') form.set('sub', action.sub);
  const response = await fetch(`${dialog.origin}${dialog.pathname}/${action === 'cancel' ? 'cancel' : 'choose'}`, {
    method: 'POST',
    body: form,
    redirect: 'manual',
  });
  const location = response.headers.get('location');
  if (response.status !== 302 || !location) {
    throw new Error(`The emulator's Google chooser answered ${response.status}: ${await response.text()}`);
  }
  return new URL(location);
}

/** The Google dance up to the pending page (`query`: e.g. `?link=1`); returns the callback's answer. */
export async function startGoogleLogin(browser: TestBrowser, sub: string, query = '') {
  const dialog = await openDialog(browser, 'google', query);
  const callback = await answerGoogleChooser(dialog, { sub });
  return { dialog, callback, response: await followCallback(browser, callback) };
}

/** Signs a browser in with Google end to end; returns the user. */
export async function signInWithGoogle(browser: TestBrowser, sub: string) {
  await startGoogleLogin(browser, sub);
  const { final } = await watchUntilFinal(browser);
  if (final?.status !== 'ok' || !final.user) throw new Error(`Google sign-in ended ${JSON.stringify(final)}`);
  return final.user;
}

/**
 * Presses a button on the emulator's dialog, as the person would; returns where Facebook sends the browser.
 * `decline`: the permissions unticked under "Edit access" first (the others asked stay ticked).
 */
export async function answerDialog(
  stack: FacebookSide,
  dialog: URL,
  action: { userId: string; decline?: readonly string[] } | 'cancel',
): Promise<URL> {
  const form = new URLSearchParams(dialog.searchParams);
  const path = action === 'cancel' ? 'cancel' : 'confirm';
  if (action !== 'cancel') form.set('user_id', action.userId);
  if (action !== 'cancel' && action.decline) {
    // What the dialog's form posts: the ticked boxes, and that the boxes were shown.
    form.set('edit_access', '1');
    const asked = (dialog.searchParams.get('scope') ?? '').split(/[\s,]+/).filter(Boolean);
    for (const scope of asked) if (!action.decline.includes(scope)) form.append('grant', scope);
  }
  const response = await fetch(`${stack.facebookBase}/dialog/oauth/${path}`, {
    method: 'POST',
    body: form,
    redirect: 'manual',
  });
  const location = response.headers.get('location');
  if (response.status !== 302 || !location) {
    throw new Error(`The emulator's dialog answered ${response.status}: ${await response.text()}`);
  }
  return new URL(location);
}

/** Follows Facebook's redirect back to our callback, as a browser does (no fragment). */
export function followCallback(browser: TestBrowser, callback: URL) {
  return browser.get(callback.pathname + callback.search);
}

const parseStatus = (message: EventSourceMessage) => JSON.parse(message.data) as OperationJson;

/** Follows the status stream until the final status; returns every status seen. */
export async function watchUntilFinal(
  browser: TestBrowser,
  timeoutMs = 20000,
  onStatus?: (status: OperationJson) => void,
) {
  // `until` never stops it: the server must end the stream itself after the final status.
  const stream = await browser.events('/api/auth/operation/events', {
    timeoutMs,
    until: (message) => {
      if (message.event === 'status') onStatus?.(parseStatus(message));
      return false;
    },
  });
  const statuses = stream.messages.filter((m) => m.event === 'status').map(parseStatus);
  return { ...stream, statuses, final: statuses.at(-1) };
}

/**
 * watchUntilFinal, and `opened`: the stream's first status (its snapshot), for a
 * test that lets the sign-in go on only once the stream is open. `opened`
 * rejects if the stream ended without a status.
 */
export function watchFromOpen(browser: TestBrowser, timeoutMs?: number) {
  let first!: (status: OperationJson) => void;
  const firstStatus = new Promise<OperationJson>((resolve) => (first = resolve));
  const watching = watchUntilFinal(browser, timeoutMs, (status) => first(status));
  const opened = Promise.race([
    firstStatus,
    watching.then(({ status }) => {
      throw new Error(`The status stream ended without a status (HTTP ${status})`);
    }),
  ]);
  return { opened, watching };
}

/** Follows the status stream to its final status, which must be ok (else it throws, saying what it was). */
export async function watchUntilOk(browser: TestBrowser, timeoutMs?: number): Promise<OperationJson> {
  const { final } = await watchUntilFinal(browser, timeoutMs);
  if (final?.status !== 'ok') throw new Error(`The sign-in ended ${JSON.stringify(final)}`);
  return final;
}

/** The whole dance up to the pending page; returns the callback's answer. `decline`: see answerDialog. */
export async function startLogin(
  stack: FacebookSide,
  browser: TestBrowser,
  userId: string,
  query = '',
  decline?: readonly string[],
) {
  const dialog = await openDialog(browser, 'facebook', query);
  const callback = await answerDialog(stack, dialog, { userId, ...(decline && { decline }) });
  return { dialog, callback, response: await followCallback(browser, callback) };
}

/**
 * One attempt that the emulator's token call answers with garbage, so it ends
 * at once as error/provider_bad_response; returns the login's URLs and its final status.
 */
export async function failedLogin(
  stack: FacebookSide & { emulatorKnob(method: string, path: string, body?: unknown): Promise<unknown> },
  browser: TestBrowser,
  userId: string,
) {
  await stack.emulatorKnob('POST', '/faults', { endpoint: 'token', kind: 'malformed', times: 1 });
  const started = await startLogin(stack, browser, userId);
  const { final } = await watchUntilFinal(browser);
  return { ...started, final };
}

/**
 * Signs a browser in end to end, as the SPA does (the final ok event means
 * signed in), checks /api/me agrees, and returns the user.
 */
export async function signIn(stack: FacebookSide, browser: TestBrowser, userId: string) {
  await startLogin(stack, browser, userId);
  const { final } = await watchUntilFinal(browser);
  if (final?.status !== 'ok' || !final.user) throw new Error(`Sign-in ended ${JSON.stringify(final)}`);
  const me = await browser.get('/api/me');
  if (me.status !== 200) throw new Error(`/api/me answered ${me.status} after ok: ${me.text}`);
  return final.user;
}
