import type { ConfigService } from '@nestjs/config';
import type { BaseEnv } from '@app/config';
import { databaseIdentity } from '@app/database';

/**
 * Where sessions and their bookkeeping live in Redis. One place, because two
 * processes write them: the API (express-session, logout, deauthorize) and
 * the worker (it signs a session in when its operation ends ok).
 */
export class SessionKeys {
  /** connect-redis's prefix: a session is `<prefix>:sess:<session id>`. */
  readonly sessionPrefix: string;

  constructor(
    private readonly prefix: string,
    /** User ids are row ids of one database: their session sets say which. */
    private readonly database: string,
  ) {
    this.sessionPrefix = `${prefix}:sess:`;
  }

  static fromConfig(config: ConfigService<BaseEnv, true>): SessionKeys {
    return new SessionKeys(
      config.get('REDIS_PREFIX', { infer: true }),
      databaseIdentity(config.get('DATABASE_URL', { infer: true })),
    );
  }

  session(sessionId: string): string {
    return this.sessionPrefix + sessionId;
  }

  /** The ids of a user's signed-in sessions, so all of them can be ended at once. */
  userSessions(userId: number): string {
    return `${this.prefix}:user-sessions:${this.database}:${userId}`;
  }

  /**
   * Where sign-ins were recorded before the key named the database; read by
   * destroyAllFor until those sets expire (SESSION_ABSOLUTE_TIMEOUT_MS after
   * the upgrade), then it finds nothing there.
   */
  legacyUserSessions(userId: number): string {
    return `${this.prefix}:user-sessions:${userId}`;
  }
}
