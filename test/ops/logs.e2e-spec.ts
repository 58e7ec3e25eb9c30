import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { signRequest } from '@app/auth/api';
import { DEFAULT_TEST_USERS } from '@app/facebook-emulator';
import {
  answerDialog,
  failedLogin,
  followCallback,
  openDialog,
  startLogin,
  watchUntilFinal,
} from '../support/login-flow';
import { LogCapture, TEST_APP_SECRET, TestStack } from '../support/test-stack';
import { waitFor } from '../support/built-process';

const [alice, bob] = DEFAULT_TEST_USERS;

interface LogLine {
  level: number;
  service: string;
  msg: string;
  reqId?: string;
  operationId?: string;
  req?: { url: string; headers: Record<string, string> };
  res?: { statusCode: number; headers: Record<string, string> };
}

/**
 * A whole run's JSON logs, as the processes write them (pino, with the
 * configured redaction), for a good login, a failed one and Facebook's
 * server-to-server callback: no secret in them, and one login's story in one grep.
 */
describe('JSON logs (nestjs-pino): request ids, the operation id, no secrets', () => {
  const file = join(tmpdir(), `afl-logs-${process.pid}-${Date.now()}.jsonl`);
  let stack: TestStack;
  const secrets: string[] = [];
  let okOperation: string;
  let failedOperation: string;

  const lines = (): LogLine[] =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as LogLine);

  beforeAll(async () => {
    stack = await TestStack.start({
      env: { LOG_DESTINATION: file, LOG_LEVEL: 'verbose' },
      logs: new LogCapture(),
    });
    // As main.ts does: Nest's own log lines (all in-process apps) go through pino too.
    stack.api.useLogger(stack.api.get(PinoNestLogger));

    const browser = stack.browser();
    const dialog = await openDialog(browser);
    // The session GET /auth/facebook issued; the callback replaces it with the one the worker signs in.
    const preLoginCookie = browser.cookie('afl.sid')!;
    const callback = await answerDialog(stack, dialog, { userId: alice.id });
    await followCallback(browser, callback);
    secrets.push(callback.searchParams.get('code')!, callback.searchParams.get('state')!);
    const { final } = await watchUntilFinal(browser);
    expect(final).toMatchObject({ status: 'ok', user: { firstName: 'Alice' } });
    okOperation = final!.id;
    // Signed in by the ok: the next request of this browser is a signed-in one.
    expect((await browser.get('/api/me')).status).toBe(200);
    expect(browser.cookie('afl.sid')).not.toBe(preLoginCookie);
    secrets.push(preLoginCookie, browser.cookie('afl.sid')!);
    // A replayed callback (its code and state in the URL again).
    await browser.get(callback.pathname + callback.search);

    const failing = stack.browser();
    const second = await failedLogin(stack, failing, bob.id);
    secrets.push(second.callback.searchParams.get('code')!, second.callback.searchParams.get('state')!);
    failedOperation = second.final!.id;
    secrets.push(failing.cookie('afl.sid')!);

    const signedRequest = signRequest(
      {
        algorithm: 'HMAC-SHA256',
        user_id: bob.id,
        issued_at: Math.floor(Date.now() / 1000),
      },
      TEST_APP_SECRET,
    );
    secrets.push(signedRequest);
    await fetch(stack.apiUrl + '/auth/facebook/deauthorize', {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: 'Basic c2VjcmV0OnNlY3JldA==',
      },
      body: new URLSearchParams({ signed_request: signedRequest }).toString(),
    });
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(file, { force: true });
  });

  it('writes no secret: app secret, session secret, codes, states, cookies, tokens, signed requests', () => {
    const text = readFileSync(file, 'utf8');
    expect(text.length).toBeGreaterThan(1000);
    for (const secret of [TEST_APP_SECRET, stack.env.SESSION_SECRET, 'c2VjcmV0OnNlY3JldA==', ...secrets]) {
      expect(secret.length).toBeGreaterThan(8);
      expect(text).not.toContain(secret);
      expect(text).not.toContain(encodeURIComponent(secret));
    }
    // The session id itself, inside the signed cookie (s:<id>.<signature>).
    for (const cookie of secrets.filter((s) => s.startsWith('s%3A'))) {
      expect(text).not.toContain(decodeURIComponent(cookie).slice(2).split('.')[0]);
    }
    expect(text).not.toMatch(/EAA[A-Za-z0-9_-]{10,}/);
    // The callback is logged without its query.
    const callbacks = lines().filter((l) => l.req?.url.startsWith('/auth/facebook/callback'));
    expect(callbacks.length).toBeGreaterThanOrEqual(3);
    for (const line of callbacks) expect(line.req!.url).toBe('/auth/facebook/callback');
  });

  it("tells one login's story with one grep over both processes' lines", () => {
    const story = lines().filter((l) => JSON.stringify(l).includes(okOperation));
    // Every line that mentions it carries it as a field, too.
    for (const line of story) expect(line.operationId).toBe(okOperation);
    const messages = story.map((l) => l.msg);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^GET \/auth\/facebook\/callback 302 /),
        `Operation ${okOperation} queued`,
        expect.stringMatching(new RegExp(`^Operation ${okOperation} ok \\(attempt 1\\)$`)),
        // The stream that carried the ok (and with it the user: signed in, no further request)…
        expect.stringMatching(/^GET \/api\/auth\/operation\/events 200/),
        // …and the signed-in session's next request, still in this login's story.
        expect.stringMatching(/^GET \/api\/me 200/),
      ]),
    );
    // The worker signed the session in before it announced the ok: no line says it could not.
    expect(messages).not.toContainEqual(
      expect.stringMatching(/not signed in|what follows it failed|Could not complete the sign-in/),
    );
    const failed = lines()
      .filter((l) => l.operationId === failedOperation)
      .map((l) => l.msg);
    expect(failed).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^Operation ${failedOperation} attempt 1/\\d+ failed`)),
      ]),
    );
  });

  it('gives every request an id, honouring a well-formed incoming x-request-id', async () => {
    const honoured = await fetch(stack.apiUrl + '/api/me', {
      headers: { 'x-request-id': 'proxy-req-0001' },
    });
    expect(honoured.headers.get('x-request-id')).toBe('proxy-req-0001');
    const replaced = await fetch(stack.apiUrl + '/api/me', {
      headers: { 'x-request-id': 'bad id with spaces' },
    });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const line = lines().find((l) => l.reqId === 'proxy-req-0001' && l.res);
    expect(line).toMatchObject({
      service: 'api',
      msg: expect.stringMatching(/^GET \/api\/me 401/),
    });
    expect(lines().every((l) => !l.req || typeof l.reqId === 'string')).toBe(true);
  });
});

describe("JSON logs of the built worker (its own process): the operation's story continues there", () => {
  let stack: TestStack;

  beforeAll(async () => {
    // Needs `npm run build` (dist/apps/worker/main.js).
    stack = await TestStack.start({
      worker: 'child-process',
      env: { WORKER_HEALTH_PORT: '0', NODE_ENV: 'production' },
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('writes JSON lines with service "worker" and the operationId field', async () => {
    const browser = stack.browser();
    const { callback } = await startLogin(stack, browser, alice.id);
    const { final } = await watchUntilFinal(browser);
    expect(final?.status).toBe('ok');

    const workerLines = () =>
      stack
        .workerProcess!.text.split('\n')
        .filter((line) => line.startsWith('{') && line.endsWith('}'))
        .map((line) => JSON.parse(line) as LogLine);
    // The worker logs the end just after announcing it: wait for the line, not for a time.
    await waitFor('the worker to log the end', () => workerLines().some((line) => line.operationId === final!.id));
    expect(workerLines().every((line) => line.service === 'worker')).toBe(true);
    expect(
      workerLines()
        .filter((line) => line.operationId === final!.id)
        .map((line) => line.msg),
    ).toEqual([`Operation ${final!.id} ok (attempt 1)`]);
    // The worker signed this session in (its id came in the job): it never writes that id.
    expect((await browser.get('/api/me')).status).toBe(200);
    const sessionId = decodeURIComponent(browser.cookie('afl.sid')!).slice(2).split('.')[0];
    const text = stack.workerProcess!.text;
    for (const secret of [TEST_APP_SECRET, callback.searchParams.get('code')!, sessionId])
      expect(text).not.toContain(secret);
  });
});
