import { Inject, Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { CookieOptions, NextFunction, Request, RequestHandler, Response } from 'express';
import session from 'express-session';
import type Redis from 'ioredis';
import passport from 'passport';
import type { ApiEnv } from '@app/config';
import { REDIS_CLIENT } from '@app/redis';
import { ReasonCode } from '../reason-codes';
import { errorPage, providerOfPath } from '../spa-pages';
import { SessionKeys } from './session-keys';
import { SessionStore } from './session-store';
import { sessionIdHash } from './session.types';

/** `__Host-` pins the cookie to this exact origin; browsers accept it only over https. */
export function sessionCookieName(publicUrl: string): string {
  return publicUrl.startsWith('https:') ? '__Host-afl.sid' : 'afl.sid';
}

/**
 * Sessions in Redis (so any API instance serves any browser) and the moments
 * that matter: the middleware with idle and absolute timeouts, a new id when
 * a sign-in starts and again at the callback (the worker then signs that
 * session in: SessionSignIn), logout that destroys the session on the
 * server, and ending every session of a user (data deletion, deauthorize).
 */
@Injectable()
export class SessionLifecycle {
  private readonly logger = new Logger(SessionLifecycle.name);
  readonly cookieName: string;
  private readonly cookie: CookieOptions;
  private readonly keys: SessionKeys;
  private readonly absoluteTimeoutMs: number;

  constructor(
    private readonly config: ConfigService<ApiEnv, true>,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {
    const publicUrl = config.get('PUBLIC_URL', { infer: true });
    this.cookieName = sessionCookieName(publicUrl);
    this.cookie = {
      httpOnly: true,
      sameSite: 'lax',
      secure: publicUrl.startsWith('https:'),
      path: '/',
    };
    this.keys = SessionKeys.fromConfig(config);
    this.absoluteTimeoutMs = config.get('SESSION_ABSOLUTE_TIMEOUT_MS', {
      infer: true,
    });
  }

  middleware(): RequestHandler[] {
    const idleTimeoutMs = this.config.get('SESSION_IDLE_TIMEOUT_MS', { infer: true });
    const store = new SessionStore({
      client: this.redis,
      prefix: this.keys.sessionPrefix,
      idleTimeoutMs,
    });
    const sessions = session({
      name: this.cookieName,
      secret: this.config.get('SESSION_SECRET', { infer: true }),
      store,
      resave: false,
      saveUninitialized: false,
      // Each request pushes the idle timeout back (the cookie always, Redis's
      // TTL unless this process pushed it back moments ago: SessionStore).
      rolling: true,
      cookie: {
        ...this.cookie,
        maxAge: idleTimeoutMs,
      },
    });
    return [
      (req, res, next) =>
        sessions(req, res, (error?: unknown) => (error ? this.storeUnavailable(req, res, next, error) : next())),
      (req, res, next) => void this.enforceAbsoluteTimeout(req, next),
      passport.initialize() as RequestHandler,
      passport.session() as RequestHandler,
    ];
  }

  /**
   * A new, empty session under a new id (the old one is deleted from Redis),
   * before a sign-in stores its state: a session id planted in the browser
   * (session fixation) never carries a sign-in. Returns the hash of the id
   * it replaced, for the operations that belong to it.
   */
  async renew(req: Request): Promise<string> {
    const previous = sessionIdHash(req);
    await new Promise<void>((resolve, reject) =>
      req.session.regenerate((error?: Error) => (error ? reject(error) : resolve())),
    );
    return previous;
  }

  /**
   * Writes the session to Redis now, and only now: the callback does it
   * before it queues the exchange, so the worker that signs this session in
   * finds it. express-session would write it again when the response ends
   * (after a regenerate it always does), and that copy, taken before the
   * sign-in, would undo a worker that was faster than the response: so the
   * rest of this request's saves are no-ops. Nothing may change the session
   * after this call in the same request.
   */
  async saveFinal(req: Request): Promise<void> {
    const session = req.session;
    await new Promise<void>((resolve, reject) => session.save((error?: Error) => (error ? reject(error) : resolve())));
    Object.defineProperty(session, 'save', {
      value: (done?: (error?: unknown) => void) => {
        done?.();
        return session;
      },
      configurable: true,
      enumerable: false,
      writable: true,
    });
  }

  async destroy(req: Request, res: Response): Promise<void> {
    const userId = req.user?.id;
    const sessionId = req.sessionID;
    if (req.session) {
      await new Promise<void>((resolve, reject) =>
        req.session.destroy((error?: Error) => (error ? reject(error) : resolve())),
      );
    }
    if (userId !== undefined) await this.redis.srem(this.keys.userSessions(userId), sessionId);
    res.clearCookie(this.cookieName, this.cookie);
  }

  /** Ends every session of a user on the server (ASVS v5 7.4.2); returns how many. */
  async destroyAllFor(userId: number): Promise<number> {
    const keys = [this.keys.userSessions(userId), this.keys.legacyUserSessions(userId)];
    const sessionIds = [...new Set((await Promise.all(keys.map((key) => this.redis.smembers(key)))).flat())];
    const pipeline = this.redis.multi();
    for (const id of sessionIds) pipeline.del(this.keys.session(id));
    pipeline.del(...keys);
    await pipeline.exec();
    if (sessionIds.length) this.logger.log(`Ended ${sessionIds.length} session(s) of user ${userId}`);
    return sessionIds.length;
  }

  /**
   * Redis is away: people on the OAuth routes get the SPA's error page, API
   * clients a 503 JSON — never a hang or a 500.
   */
  private storeUnavailable(req: Request, res: Response, next: NextFunction, error: unknown): void {
    this.logger.warn(`Session store unavailable: ${(error as Error)?.message ?? String(error)}`);
    const provider = req.method === 'GET' ? providerOfPath(req.path) : undefined;
    if (provider) {
      res.redirect(302, errorPage(ReasonCode.Unavailable, provider));
      return;
    }
    next(new ServiceUnavailableException('The sign-in service is briefly unavailable'));
  }

  private async enforceAbsoluteTimeout(req: Request, next: NextFunction): Promise<void> {
    const createdAt = req.session?.createdAt;
    if (createdAt && Date.now() - createdAt > this.absoluteTimeoutMs) {
      // Old enough, however busy: start over with an empty session under a new id.
      try {
        await new Promise<void>((resolve, reject) =>
          req.session.regenerate((error?: Error) => (error ? reject(error) : resolve())),
        );
      } catch (error) {
        return next(error);
      }
    }
    next();
  }
}
