import { createHash } from 'node:crypto';
import type { Request } from 'express';
import 'express-session';
import type { SessionProfile } from './session-profile';

/** One authorization request in flight: the provider, the state we sent, its PKCE verifier (and OIDC nonce). */
export interface PendingAuthorization {
  provider: string;
  state: string;
  codeVerifier: string;
  nonce?: string;
  /** A signed-in person is linking this provider to their profile (user_profile.id). */
  linkTo?: number;
  createdAt: number;
}

declare module 'express-session' {
  interface SessionData {
    authorization?: PendingAuthorization;
    /** Public id of this browser's latest login attempt. */
    asyncOperationId?: string;
    /** Same-origin path to show after sign-in (validated when stored). */
    returnTo?: string;
    /**
     * Failed attempts of this browser that nobody owns yet are stored under
     * this session's id hash: the next callback carries them to its new id.
     */
    failedAttempts?: boolean;
    /**
     * What GET /api/me shows of the signed-in user, as of this sign-in (set by SessionSignIn). Read it
     * through sessionProfileView: a session from before a field existed lacks it.
     */
    profile?: SessionProfile;
    /** The providers linked to the signed-in user, once GET /api/me has read them. */
    providers?: string[];
    /** The operation that signed this session in (set by SessionSignIn). */
    signedInBy?: string;
    /** When this session began (ms), for the absolute timeout. */
    createdAt?: number;
  }
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    /** What passport keeps on req.user: the internal id only. */
    interface User {
      id: number;
    }
  }
}

/** Operations store a hash of their session's id, never the id itself. */
export function sessionIdHash(req: Request): string {
  return createHash('sha256').update(req.sessionID).digest('hex');
}
