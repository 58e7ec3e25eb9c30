import { Injectable, Logger } from '@nestjs/common';
import type { Request } from 'express';
import { AsyncOperationsService, type OperationView, type OwnedOperation } from '@app/async-operations';
import { UsersService, toUserView, type UserView } from '@app/users';
import { safeReturnPath } from './return-to';
import { SessionSignIn } from '../session/session-sign-in';
import { sessionProfileView } from '../session/session-profile';
import { sessionIdHash } from '../session/session.types';

/**
 * Who is asking, taken from the request once (a stream keeps this, not the
 * request's session). `signedIn.profile` is read through sessionProfileView.
 */
export interface SignInContext {
  sessionId: string;
  sessionIdHash: string;
  /** Where to go after sign-in, already checked. */
  returnTo: string;
  /** The session as this request loaded it was already signed in by this operation, as this user. */
  signedIn?: { operationId: string; profile: UserView };
}

export function signInContext(req: Request): SignInContext {
  const { signedInBy, profile } = req.session ?? {};
  return {
    sessionId: req.sessionID,
    sessionIdHash: sessionIdHash(req),
    returnTo: safeReturnPath(req.session?.returnTo),
    ...(signedInBy && profile && { signedIn: { operationId: signedInBy, profile: sessionProfileView(profile) } }),
  };
}

/**
 * What the browser is told when its attempt is ok: who is signed in and
 * where to go (`user`, `returnTo`), so it needs no further request.
 *
 * The worker signs the session in before it announces ok and puts the user
 * in the announcement. An ok read from the database instead (the stream
 * opened late, a re-read, a poll), or announced without a user (Redis failed
 * the worker's sign-in), is signed in here, with the same one-step Redis
 * script: still once per operation, and only the session the callback issued.
 */
@Injectable()
export class SignInAnnouncement {
  private readonly logger = new Logger(SignInAnnouncement.name);

  constructor(
    private readonly operations: AsyncOperationsService,
    private readonly users: UsersService,
    private readonly sessions: SessionSignIn,
  ) {}

  /**
   * The attempt's outcome without a read, when the session the request
   * loaded was signed in by that very attempt: it is ok (the worker signs in
   * only after the ok is committed), and the session holds who. Null otherwise.
   */
  fromSession(context: SignInContext, operationId: string): OperationView | null {
    const { signedIn, returnTo } = context;
    return signedIn?.operationId === operationId
      ? { id: operationId, status: 'ok', user: signedIn.profile, returnTo }
      : null;
  }

  /** `operation`: the row the view was read from, if the caller has it (saves a read). */
  async complete(context: SignInContext, view: OperationView, operation?: OwnedOperation): Promise<OperationView> {
    if (view.status !== 'ok') return view;
    const { returnTo, signedIn } = context;
    if (view.user) return { ...view, returnTo };
    // The worker finished before this request loaded the session (a stream opened late, a poll).
    if (signedIn?.operationId === view.id) return { ...view, user: signedIn.profile, returnTo };
    try {
      const user = await this.signIn(context, view.id, operation);
      return user ? { ...view, user, returnTo } : { ...view, returnTo };
    } catch (error) {
      // Without a user the SPA asks /api/me: it shows what the server knows.
      this.logger.warn(`Could not complete the sign-in of operation ${view.id}: ${(error as Error).message}`);
      return { ...view, returnTo };
    }
  }

  private async signIn(context: SignInContext, operationId: string, known?: OwnedOperation): Promise<UserView | null> {
    // Most often the worker signed the session in just after this request loaded it: Redis says so.
    const alreadySignedIn = await this.sessions.signedInProfile(context.sessionId, operationId);
    if (alreadySignedIn) return alreadySignedIn;
    const operation = known ?? (await this.operations.findOwned(operationId, context.sessionIdHash));
    if (!operation?.userProfileId) return null;
    const user = await this.users.findById(operation.userProfileId);
    if (!user) return null;
    const profile = toUserView(user);
    const result = await this.sessions.signIn({
      sessionId: context.sessionId,
      operationId,
      userId: user.id,
      profile,
    });
    return result === 'signed-in' ? profile : null;
  }
}
