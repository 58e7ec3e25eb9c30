import http from 'node:http';
import { networkInterfaces } from 'node:os';
import Redis from 'ioredis';
import { SIGNED_REQUEST_MAX_AGE_S, signRequest } from '@app/auth/api';
import { DEFAULT_TEST_USERS } from '@app/facebook-emulator';
import { signIn } from './support/login-flow';
import { BuiltProcess, waitFor } from './support/built-process';
import { PrivateRedis } from './support/private-services';
import { freePort } from './support/test-env';
import { TEST_APP_ID, TEST_APP_SECRET, TestStack } from './support/test-stack';

const [alice, bob, carol] = DEFAULT_TEST_USERS;

const post = (base: string, path: string, signedRequest: string) =>
  fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ signed_request: signedRequest }),
  });
const DELETION = '/auth/facebook/data-deletion';
const DEAUTHORIZE = '/auth/facebook/deauthorize';
const signedFor = (userId: string, issuedAt = Math.floor(Date.now() / 1000)) =>
  signRequest({ algorithm: 'HMAC-SHA256', user_id: userId, issued_at: issuedAt }, TEST_APP_SECRET);

/** Each `it` here is a row of docs/SECURITY.md (issue 12's hardening). */
describe('Security hardening (against the real stack)', () => {
  let stack: TestStack;
  let redis: Redis;

  beforeAll(async () => {
    stack = await TestStack.start();
    redis = new Redis(stack.env.REDIS_URL);
  });
  afterAll(async () => {
    redis?.disconnect();
    await stack?.stop();
  });

  const count = async (table: string) =>
    Number((await stack.db.query<{ n: string }[]>(`SELECT COUNT(*) AS n FROM \`${table}\``))[0].n);
  const profiles = (facebookId: string) =>
    stack.db.query<{ id: number }[]>('SELECT id FROM user_profile WHERE facebook_id = ?', [facebookId]);

  describe('signed_request replay', () => {
    it('refuses a replayed data-deletion request with 400 and deletes nothing the second time', async () => {
      await signIn(stack, stack.browser(), bob.id);
      const request = signedFor(bob.id);
      const first = await post(stack.apiUrl, DELETION, request);
      expect(first.status).toBe(200);
      expect(await profiles(bob.id)).toHaveLength(0);

      // Bob comes back; a captured copy of his old request must not erase him again.
      const browser = stack.browser();
      await signIn(stack, browser, bob.id);
      const requestsBefore = await count('data_deletion_request');

      const replay = await post(stack.apiUrl, DELETION, request);
      expect(replay.status).toBe(400);
      expect(replay.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await replay.json()).toMatchObject({ statusCode: 400, message: expect.stringMatching(/already/i) });
      expect(await profiles(bob.id)).toHaveLength(1);
      expect(await count('data_deletion_request')).toBe(requestsBefore);
      expect((await browser.get('/api/me')).status).toBe(200);
    });

    it('refuses a replayed deauthorize with 400 and ends no session the second time', async () => {
      const request = signedFor(alice.id);
      await signIn(stack, stack.browser(), alice.id);
      expect((await post(stack.apiUrl, DEAUTHORIZE, request)).status).toBe(200);

      const browser = stack.browser();
      await signIn(stack, browser, alice.id);
      const replay = await post(stack.apiUrl, DEAUTHORIZE, request);
      expect(replay.status).toBe(400);
      expect(await replay.json()).toMatchObject({ statusCode: 400 });
      expect((await browser.get('/api/me')).status).toBe(200);
    });

    it('refuses a replay whose signature is spelled differently (padding) as the same request', async () => {
      const request = signedFor(carol.id);
      expect((await post(stack.apiUrl, DEAUTHORIZE, request)).status).toBe(200);
      const [signature, payload] = request.split('.');
      expect((await post(stack.apiUrl, DEAUTHORIZE, `${signature}=.${payload}`)).status).toBe(400);
    });

    it('remembers an accepted request in Redis only until it would expire anyway', async () => {
      const issuedAt = Math.floor(Date.now() / 1000) - 600; // ten minutes old: fifty left
      expect((await post(stack.apiUrl, DEAUTHORIZE, signedFor(carol.id, issuedAt))).status).toBe(200);
      const keys = await redis.keys(`${stack.ns.redisPrefix}:signed-request:*`);
      expect(keys.length).toBeGreaterThan(0);
      const ttls = await Promise.all(keys.map((key) => redis.pttl(key)));
      for (const ttl of ttls) {
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual((SIGNED_REQUEST_MAX_AGE_S + 1) * 1000);
      }
      expect(Math.min(...ttls)).toBeLessThanOrEqual((SIGNED_REQUEST_MAX_AGE_S - 600 + 1) * 1000);
      // The key names a digest, never the request itself.
      expect(keys.join(' ')).not.toContain(signedFor(carol.id, issuedAt).split('.')[1]);
    });
  });
});

describe('signed_request callbacks while Redis is down', () => {
  const privateRedis = new PrivateRedis();
  let stack: TestStack;

  beforeAll(async () => {
    await privateRedis.start();
    stack = await TestStack.start({ env: { REDIS_URL: privateRedis.url } });
  });
  afterAll(async () => {
    await stack?.stop();
    await privateRedis.destroy();
  });

  it('answers 503 JSON, deletes nothing, and takes the same request once Redis is back', async () => {
    await signIn(stack, stack.browser(), bob.id);
    const request = signedFor(bob.id);
    await privateRedis.stop();
    try {
      const response = await post(stack.apiUrl, DELETION, request);
      expect(response.status).toBe(503);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await response.json()).toMatchObject({ statusCode: 503 });
      const rows = await stack.db.query('SELECT id FROM user_profile WHERE facebook_id = ?', [bob.id]);
      expect(rows).toHaveLength(1);
    } finally {
      await privateRedis.start();
    }
    // Facebook retries (while the API reconnects to Redis): the request was not used up by the outage.
    await waitFor(
      'the retried request to be taken',
      async () => (await post(stack.apiUrl, DELETION, request)).status === 200,
    );
    expect(await stack.db.query('SELECT id FROM user_profile WHERE facebook_id = ?', [bob.id])).toHaveLength(0);
  });
});

/** One GET with a Host header of our choosing (fetch will not send one). */
const getWithHost = (address: string, port: number, path: string, host: string) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request({ host: address, port, path, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });

describe('The built Facebook emulator refuses a foreign Host (DNS rebinding)', () => {
  let emulator: BuiltProcess;
  let port: number;
  const external = Object.values(networkInterfaces())
    .flat()
    .find((entry) => entry && entry.family === 'IPv4' && !entry.internal)?.address;

  beforeAll(async () => {
    port = await freePort();
    emulator = new BuiltProcess('facebook-emulator', {
      FACEBOOK_APP_ID: TEST_APP_ID,
      FACEBOOK_APP_SECRET: TEST_APP_SECRET,
      EMULATOR_PORT: String(port),
      // Every interface, so it can be reached by an address that is not loopback.
      EMULATOR_HOST: '0.0.0.0',
      NODE_ENV: 'production',
    });
    await emulator.start(async () => (await fetch(`http://127.0.0.1:${port}/__emulator/health`)).ok);
  });
  afterAll(async () => {
    await emulator?.stop();
  });

  it.each(['127.0.0.1', 'localhost'])('answers Host %s:<its port>', async (name) => {
    expect((await getWithHost('127.0.0.1', port, '/__emulator/health', `${name}:${port}`)).status).toBe(200);
  });

  (external ? it : it.skip)('answers the address it was reached at', async () => {
    expect((await getWithHost(external!, port, '/__emulator/health', `${external}:${port}`)).status).toBe(200);
  });

  it.each([
    ['a rebinding name', (p: number) => `evil.example:${p}`],
    ['its address with another port', (p: number) => `127.0.0.1:${p + 1}`],
    ['a wildcard', (p: number) => `0.0.0.0:${p}`],
  ])('answers %s with 421 and a Facebook-shaped JSON error, and changes nothing', async (_label, host) => {
    const statsBefore: unknown = await (await fetch(`http://127.0.0.1:${port}/__emulator/stats`)).json();
    for (const path of ['/__emulator/health', '/v25.0/dialog/oauth?client_id=1', '/__emulator/stats']) {
      const response = await getWithHost('127.0.0.1', port, path, host(port));
      expect(response.status).toBe(421);
      expect(JSON.parse(response.body)).toMatchObject({
        error: { type: 'OAuthException', code: expect.any(Number), fbtrace_id: expect.any(String) },
      });
    }
    const reset = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port, path: '/__emulator/reset', method: 'POST', headers: { host: host(port) } },
        (res) => resolve(res.statusCode!),
      );
      req.on('error', reject);
      req.end();
    });
    expect(reset).toBe(421);
    expect(await (await fetch(`http://127.0.0.1:${port}/__emulator/stats`)).json()).toEqual(statsBefore);
  });
});
