import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type Redis from 'ioredis';
import type { BaseEnv } from '@app/config';
import { REDIS_CLIENT } from '@app/redis';
import type { UserView } from '@app/users';
import { SessionKeys } from './session-keys';
import { sessionProfileView, type SessionProfile } from './session-profile';

/**
 * What became of a sign-in: `signed-in` (now, or already by this same
 * operation and session), or why the session was left as it was.
 */
export type SessionSignInResult =
  /** The session is signed in as the operation's user. */
  | 'signed-in'
  /** The session is gone (logged out, expired, ended by a deletion). */
  | 'no-session'
  /** The session has moved on to another attempt, or is someone's already. */
  | 'not-this-operation';

export interface SessionSignInRequest {
  sessionId: string;
  operationId: string;
  userId: number;
  /** What GET /api/me shows while this session lasts (kept in the session: no query per request). */
  profile: UserView;
}

/**
 * One atomic step in Redis, so it holds however many processes race. Only
 * one session ever holds a given operation as its `asyncOperationId` (the
 * callback puts it in the session it has just created; a new sign-in or an
 * expiry starts an empty one), so "one operation signs in one session,
 * once" is a check on that session alone: it must still exist, still wait
 * for this very operation and be nobody's yet. It then carries passport's
 * user and the profile /api/me shows, records which operation signed it
 * in, and restarts its absolute timeout, keeping its idle TTL; the user's session set records it for "end
 * every session" (deauthorize, data deletion). Asked again for the same
 * operation and user (the worker, then the API's fallback) it answers
 * `signed-in` and changes nothing.
 *
 * KEYS: session, user's session set.
 * ARGV: operation id, session id, user id, now (ms), session set TTL (ms), profile JSON.
 */
const SIGN_IN_SCRIPT = `
local raw = redis.call('GET', KEYS[1])
if not raw then return 'no-session' end
local ok, session = pcall(cjson.decode, raw)
if not ok or type(session) ~= 'table' then return 'no-session' end
if session.asyncOperationId ~= ARGV[1] then return 'not-this-operation' end
if type(session.passport) == 'table' and session.passport.user ~= nil then
  if session.signedInBy == ARGV[1] then return 'signed-in' end
  return 'not-this-operation'
end
session.passport = { user = { id = tonumber(ARGV[3]) } }
-- The profile goes in as the JSON it came as: cjson would write its empty lists back as {}.
session.profile = '__afl_profile__'
session.signedInBy = ARGV[1]
session.createdAt = tonumber(ARGV[4])
local encoded = string.gsub(cjson.encode(session), '"__afl_profile__"', function() return ARGV[6] end, 1)
redis.call('SET', KEYS[1], encoded, 'KEEPTTL')
redis.call('SADD', KEYS[2], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
return 'signed-in'
`;

type SignInCommand = (
  sessionKey: string,
  userSessionsKey: string,
  operationId: string,
  sessionId: string,
  userId: number,
  nowMs: number,
  userSessionsTtlMs: number,
  profileJson: string,
) => Promise<SessionSignInResult>;

/**
 * Signs a browser's session in when its operation ends ok, on the server,
 * without the browser asking: the worker does it before it announces ok, so
 * `ok` on the stream means "signed in". The API uses the same step as a
 * fallback when it reads an ok operation whose session was not signed in
 * (Redis failed the worker at that moment). The session id it signs in is
 * the one the callback issued, after the state check: the pre-login id died there.
 */
@Injectable()
export class SessionSignIn {
  private readonly keys: SessionKeys;
  private readonly absoluteTimeoutMs: number;
  private readonly command: SignInCommand;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    config: ConfigService<BaseEnv, true>,
  ) {
    this.keys = SessionKeys.fromConfig(config);
    this.absoluteTimeoutMs = config.get('SESSION_ABSOLUTE_TIMEOUT_MS', { infer: true });
    // defineCommand sends EVALSHA and falls back to EVAL once per connection.
    redis.defineCommand('aflSessionSignIn', { numberOfKeys: 2, lua: SIGN_IN_SCRIPT });
    const commands = redis as unknown as { aflSessionSignIn: SignInCommand };
    this.command = commands.aflSessionSignIn.bind(redis);
  }

  /**
   * The profile this session was signed in with, if this very operation
   * signed it in (by now: the request may have loaded it a moment before the
   * worker did). One GET; null when it is not (yet) so, or is gone.
   */
  async signedInProfile(sessionId: string, operationId: string): Promise<UserView | null> {
    const raw = await this.redis.get(this.keys.session(sessionId));
    if (!raw) return null;
    try {
      const session = JSON.parse(raw) as {
        signedInBy?: string;
        profile?: SessionProfile;
        passport?: { user?: unknown };
      };
      const signedInByIt = session.signedInBy === operationId && session.passport?.user !== undefined;
      return signedInByIt && session.profile ? sessionProfileView(session.profile) : null;
    } catch {
      return null;
    }
  }

  signIn({ sessionId, operationId, userId, profile }: SessionSignInRequest): Promise<SessionSignInResult> {
    return this.command(
      this.keys.session(sessionId),
      this.keys.userSessions(userId),
      operationId,
      sessionId,
      userId,
      Date.now(),
      this.absoluteTimeoutMs,
      JSON.stringify(profile),
    );
  }
}
