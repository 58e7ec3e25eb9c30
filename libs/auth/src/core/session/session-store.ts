import RedisStore from 'connect-redis';
import type { SessionData } from 'express-session';

type Done = (error?: unknown) => void;

/** Of the idle timeout, how stale Redis's TTL may be before a request pushes it back. */
export const SESSION_TOUCH_SLACK = 0.01;

/**
 * connect-redis without the touches that change nothing. A rolling session
 * is touched (EXPIRE) at the end of every request that did not write it; one
 * this process wrote or touched less than 1 % of the idle timeout ago is not
 * touched again, so the status stream and the SPA's next requests right after
 * a sign-in cost no Redis command for it. Redis's TTL may then lag the
 * cookie's by that much: an idle session ends between 99 and 100 % of
 * SESSION_IDLE_TIMEOUT_MS after its last request, never later.
 */
export class SessionStore extends RedisStore {
  /** Session id → when this process last set its TTL; oldest first (Map order). */
  private readonly refreshedAt = new Map<string, number>();
  private readonly slackMs: number;

  constructor(options: ConstructorParameters<typeof RedisStore>[0] & { idleTimeoutMs: number }) {
    const { idleTimeoutMs, ...storeOptions } = options;
    super(storeOptions);
    this.slackMs = idleTimeoutMs * SESSION_TOUCH_SLACK;
  }

  /** How many sessions it remembers (each for at most the slack). */
  get remembered(): number {
    return this.refreshedAt.size;
  }

  override async set(sid: string, sess: SessionData, cb?: Done): Promise<void> {
    const startedAt = Date.now();
    await super.set(sid, sess, (error?: unknown) => {
      if (!error) this.remember(sid, startedAt);
      cb?.(error);
    });
  }

  override async touch(sid: string, sess: SessionData, cb?: Done): Promise<void> {
    const startedAt = Date.now();
    const last = this.refreshedAt.get(sid);
    if (last !== undefined && startedAt - last < this.slackMs) return cb?.();
    await super.touch(sid, sess, (error?: unknown) => {
      if (!error) this.remember(sid, startedAt);
      cb?.(error);
    });
  }

  override async destroy(sid: string, cb?: Done): Promise<void> {
    this.refreshedAt.delete(sid);
    await super.destroy(sid, cb);
  }

  /** Records the moment a write began (its TTL counts from no earlier), and forgets what is too old to matter. */
  private remember(sid: string, at: number): void {
    this.refreshedAt.delete(sid); // re-inserted last: the Map stays oldest first
    this.refreshedAt.set(sid, at);
    for (const [oldSid, oldAt] of this.refreshedAt) {
      if (at - oldAt < this.slackMs) break;
      this.refreshedAt.delete(oldSid);
    }
  }
}
