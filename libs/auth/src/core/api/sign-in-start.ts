import { Injectable, Logger } from '@nestjs/common';
import type { Request } from 'express';
import { OperationHistoryService } from '@app/async-operations/history';
import { SessionLifecycle } from '../session/session-lifecycle';
import { sessionIdHash } from '../session/session.types';
import { PendingAuthorizations } from './pending-authorizations';
import { safeReturnPath } from './return-to';

/** Where a start goes: home (already signed in), or on to the provider's dialog. */
export type StartDecision = 'home' | 'dialog';

/**
 * What a start is for: a sign-in (`?link=1` while signed in links the provider),
 * or asking a provider again for what the person declined (`rerequest`), which
 * a signed-in person does as a new sign-in of their account rather than going home.
 */
export type StartMode = 'sign-in' | 'rerequest';

const isEmpty = (session: Request['session']) => Object.keys(session).every((key) => key === 'cookie');

/**
 * What every provider's `GET /auth/<id>` does before its dialog: signed-in
 * visitors skip the dialog, unless they link a provider (`?link=1`) or
 * re-request a permission (mode `rerequest`): then the session stays signed in
 * until the callback renews it. Everyone else gets a new session id (so a
 * planted one never carries the sign-in), keeping their earlier failed
 * attempts for their history. `?returnTo=` is kept for after the sign-in, and
 * without one no earlier start's is.
 */
@Injectable()
export class SignInStart {
  private readonly logger = new Logger(SignInStart.name);

  constructor(
    private readonly sessions: SessionLifecycle,
    private readonly history: OperationHistoryService,
    private readonly pending: PendingAuthorizations,
  ) {}

  async prepare(req: Request, mode: StartMode = 'sign-in'): Promise<StartDecision> {
    if (req.isAuthenticated()) {
      const linking = req.query.link === '1';
      if (!linking && mode !== 'rerequest') return 'home';
      // The session stays signed in until the callback renews it; the worker signs the new one
      // in as the person the provider names (linking: the one the identity is attached to).
      if (linking) this.pending.intendLink(req, req.user.id);
    } else if (!isEmpty(req.session)) {
      // A session that holds nothing yet was made for this request (express-session never
      // adopts an id it does not know): there is nothing a planted id could carry, so no renewal.
      // An attempt, or failures carried here by an earlier start whose callback never came.
      const hadAttempt = Boolean(req.session.asyncOperationId || req.session.failedAttempts);
      const previous = await this.sessions.renew(req);
      if (hadAttempt && (await this.keepFailures(previous, sessionIdHash(req)))) req.session.failedAttempts = true;
    }
    // A session that stays signed in still holds the returnTo of the sign-in that made it.
    if (req.query.returnTo !== undefined) req.session.returnTo = safeReturnPath(req.query.returnTo);
    else delete req.session.returnTo;
    return 'dialog';
  }

  /** The browser's earlier failures follow it to the new id, for its sign-in history; never fatal. True if any did. */
  private async keepFailures(fromHash: string, toHash: string): Promise<boolean> {
    try {
      return (await this.history.moveFailuresOfSession(fromHash, toHash)) > 0;
    } catch (error) {
      this.logger.warn(`Could not carry earlier failed attempts to the new session: ${(error as Error).message}`);
      return false;
    }
  }
}
