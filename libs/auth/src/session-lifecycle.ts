import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import RedisStore from 'connect-redis';
import type { CookieOptions, Request, RequestHandler, Response } from 'express';
import session from 'express-session';
import type Redis from 'ioredis';
import passport from 'passport';
import type { ApiEnv } from '@app/config';
import { REDIS_CLIENT } from '@app/redis';

/** `__Host-` pins the cookie to this exact origin; browsers accept it only over https. */
export function sessionCookieName(publicUrl: string): string {
  return publicUrl.startsWith('https:') ? '__Host-afl.sid' : 'afl.sid';
}

/**
 * Sessions in Redis (so any API instance serves any browser) and the three
 * moments that matter: the middleware, sign-in under a new id, and logout
 * that destroys the session on the server.
 */
@Injectable()
export class SessionLifecycle {
  readonly cookieName: string;
  private readonly cookie: CookieOptions;

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
  }

  middleware(): RequestHandler[] {
    const store = new RedisStore({
      client: this.redis,
      prefix: `${this.config.get('REDIS_PREFIX', { infer: true })}:sess:`,
    });
    return [
      session({
        name: this.cookieName,
        secret: this.config.get('SESSION_SECRET', { infer: true }),
        store,
        resave: false,
        saveUninitialized: false,
        // Each request pushes the idle timeout back.
        rolling: true,
        cookie: { ...this.cookie, maxAge: this.config.get('SESSION_IDLE_TIMEOUT_MS', { infer: true }) },
      }),
      passport.initialize() as RequestHandler,
      passport.session() as RequestHandler,
    ];
  }

  /** passport ≥ 0.6 regenerates the session here: the pre-login id stops working. */
  signIn(req: Request, userId: number): Promise<void> {
    return new Promise((resolve, reject) =>
      req.login({ id: userId }, (error?: Error) => (error ? reject(error) : resolve())),
    );
  }

  async destroy(req: Request, res: Response): Promise<void> {
    if (req.session) {
      await new Promise<void>((resolve, reject) =>
        req.session.destroy((error?: Error) => (error ? reject(error) : resolve())),
      );
    }
    res.clearCookie(this.cookieName, this.cookie);
  }
}
