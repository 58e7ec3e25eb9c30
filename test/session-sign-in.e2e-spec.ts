import { ConfigService } from '@nestjs/config';
import express, { type Request } from 'express';
import { setTimeout as sleep } from 'node:timers/promises';
import Redis from 'ioredis';
import passport from 'passport';
import request from 'supertest';
import { SessionLifecycle } from '@app/auth/api';
import { SessionSignIn } from '@app/auth/api';
import { testNamespace, type TestNamespace } from './support/test-env';

/**
 * The worker signs a session in while the API may still be answering the
 * callback that created it (a 0 ms Facebook, a busy API). express-session
 * writes a regenerated session again when the response ends; that copy,
 * taken before the sign-in, must not undo it. Real express-session, real
 * connect-redis, real Redis; the "worker" is the real SessionSignIn step,
 * run at the worst moment: after the callback saved the session, before its
 * response ends.
 */
/** A profile with a null, an emoji and a quote: it must survive Lua's JSON round trip unchanged. */
const ADA = {
  id: 'pub-1',
  firstName: 'Ada 🧮 "the first"',
  lastName: null,
  email: 'ada@example.com',
  declined: [],
  pictureUrl: null,
};

/** One query parameter, as a string ('' when absent). */
const param = (req: Request, name: string) => {
  const value = req.query[name];
  return typeof value === 'string' ? value : '';
};

/** The settings sessions and sign-ins read, under this suite's own Redis prefix. */
function sessionConfig(ns: TestNamespace, idleTimeoutMs: number): ConfigService {
  return new ConfigService({
    PUBLIC_URL: 'http://localhost:3000',
    REDIS_PREFIX: ns.redisPrefix,
    DATABASE_URL: ns.databaseUrl,
    SESSION_SECRET: 'a-test-secret-of-at-least-32-characters',
    SESSION_IDLE_TIMEOUT_MS: idleTimeoutMs,
    SESSION_ABSOLUTE_TIMEOUT_MS: 3_600_000,
    LOGIN_DEADLINE_MS: 60_000,
  });
}

describe('A sign-in that lands before the callback has answered', () => {
  const ns = testNamespace();
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  let redis: Redis;
  let app: express.Express;

  beforeAll(() => {
    redis = new Redis(redisUrl);
    const config = sessionConfig(ns, 60_000);
    const sessions = new SessionLifecycle(config as never, redis);
    const signIns = new SessionSignIn(redis, config as never);
    passport.serializeUser((user, done) => done(null, user));
    passport.deserializeUser((user: Express.User, done) => done(null, user));

    app = express();
    app.use(...sessions.middleware());
    app.get('/start', (req, res) => {
      req.session.returnTo = '/';
      res.sendStatus(204);
    });
    // What the callback does, with the worker's sign-in squeezed in before the response ends.
    app.get('/callback', async (req: Request, res) => {
      await sessions.renew(req);
      req.session.asyncOperationId = param(req, 'op');
      await sessions.saveFinal(req);
      const signedIn = await signIns.signIn({
        sessionId: req.sessionID,
        operationId: param(req, 'signInFor') || param(req, 'op'),
        userId: Number(param(req, 'user') || 7),
        profile: ADA,
      });
      res.set('x-sign-in', signedIn).redirect('/login/pending');
    });
    // The same step run again later, as the API's fallback does.
    app.get('/again', async (req: Request, res) => {
      const result = await signIns.signIn({
        sessionId: req.sessionID,
        operationId: param(req, 'op'),
        userId: Number(param(req, 'user')),
        profile: { ...ADA, firstName: 'Someone else' },
      });
      res.json({ result });
    });
    app.get('/me', (req, res) =>
      res.json({ user: req.user ?? null, operation: req.session.asyncOperationId, profile: req.session.profile }),
    );
  });

  afterAll(async () => {
    const keys = await redis.keys(`${ns.redisPrefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('keeps the session signed in: the end of the response does not write the pre-sign-in copy back', async () => {
    const agent = request.agent(app);
    await agent.get('/start').expect(204);
    const callback = await agent.get('/callback?op=op-1').expect(302);
    expect(callback.headers['x-sign-in']).toBe('signed-in');
    // The callback still hands the browser its new session id.
    expect(String(callback.headers['set-cookie'])).toMatch(/^afl\.sid=/);

    const me = await agent.get('/me').expect(200);
    expect(me.body).toEqual({ user: { id: 7 }, operation: 'op-1', profile: ADA });
  });

  it('signs in only a session that waits for that very operation', async () => {
    const browser = request.agent(app);
    await browser.get('/start').expect(204);
    const other = await browser.get('/callback?op=op-2&signInFor=op-other').expect(302);
    expect(other.headers['x-sign-in']).toBe('not-this-operation');
    expect((await browser.get('/me')).body).toEqual({ user: null, operation: 'op-2' });
  });

  it('signs a session in once: asked again it changes nothing, and another user cannot take it over', async () => {
    const browser = request.agent(app);
    await browser.get('/start').expect(204);
    await browser.get('/callback?op=op-3').expect(302);
    expect((await browser.get('/again?op=op-3&user=7')).body).toEqual({ result: 'signed-in' });
    expect((await browser.get('/again?op=op-3&user=8')).body).toEqual({ result: 'signed-in' });
    expect((await browser.get('/me')).body).toMatchObject({ user: { id: 7 }, profile: ADA });
    // Logged out (the session is gone), nothing signs it in again.
    const sessionKeys = await redis.keys(`${ns.redisPrefix}:sess:*`);
    await redis.del(...sessionKeys);
    expect((await browser.get('/again?op=op-3&user=7')).body).toEqual({ result: 'no-session' });
  });
});

describe('The idle timeout of a session, on the real Redis', () => {
  const ns = testNamespace();
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  // 5 minutes: Redis's TTL is pushed back at most once per 3 s (1 %), wide enough for a loaded machine.
  const IDLE_TIMEOUT_MS = 300_000;
  let redis: Redis;
  let app: express.Express;

  beforeAll(() => {
    redis = new Redis(redisUrl);
    const config = sessionConfig(ns, IDLE_TIMEOUT_MS);
    app = express();
    app.use(...new SessionLifecycle(config as never, redis).middleware());
    app.get('/start', (req, res) => {
      req.session.returnTo = '/';
      res.sendStatus(204);
    });
    app.get('/ping', (_req, res) => res.sendStatus(204));
  });
  afterAll(async () => {
    const keys = await redis.keys(`${ns.redisPrefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('pushes it back on Redis at most once per 1 % of it, and on the cookie at every request', async () => {
    const browser = request.agent(app);
    const start = await browser.get('/start').expect(204);
    const sid = decodeURIComponent(/afl\.sid=([^;]+)/.exec(String(start.headers['set-cookie']))![1])
      .replace(/^s:/, '')
      .split('.')[0];
    const key = `${ns.redisPrefix}:sess:${sid}`;
    const written = await redis.pttl(key);
    expect(written).toBeGreaterThan(IDLE_TIMEOUT_MS - 5000);

    // Right after the write: the cookie is re-sent (rolling), Redis is left alone.
    const soon = await browser.get('/ping').expect(204);
    expect(String(soon.headers['set-cookie'])).toMatch(/Expires=/);
    expect(await redis.pttl(key)).toBeLessThanOrEqual(written);

    // More than 1 % of the idle timeout later, the next request pushes Redis's TTL back too.
    await sleep(3200);
    const aged = await redis.pttl(key);
    await browser.get('/ping').expect(204);
    expect(await redis.pttl(key)).toBeGreaterThan(aged + 2000);
  });
});
