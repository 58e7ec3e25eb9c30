import type { UserView } from '@app/users';
import type { ExchangedIdentity } from './provider-exchange';

/**
 * Emitted (local EventEmitter2, in the worker process) once per operation
 * that ended ok: a host app's `@OnEvent(SIGN_IN_FINISHED_EVENT)` listener
 * reacts to a finished sign-in here, e.g. to map the provider's extra fields
 * onto its own entity (docs/EXTENDING.md). The operation is already ok and
 * the session signed in when it fires; a listener cannot undo either.
 */
export const SIGN_IN_FINISHED_EVENT = 'sign-in.finished';

export interface SignInFinishedEvent {
  /** The operation's public id (what the SPA's stream and history show). */
  operationId: string;
  /** The provider's id: 'facebook', 'google', … */
  provider: string;
  /** The signed-in person's user_profile.id (internal: never send it to a browser). */
  userProfileId: number;
  /** What the API shows of them (public id, names, e-mail). */
  user: UserView;
  /** True when a signed-in person linked this provider rather than signed in with it. */
  linked: boolean;
  /** The identity the provider vouched for, with the extra fields the host asked it for. */
  identity: ExchangedIdentity;
}
