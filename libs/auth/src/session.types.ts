import { createHash } from 'node:crypto';
import type { Request } from 'express';
import 'express-session';

/** One authorization request in flight: the state we sent and its PKCE verifier. */
export interface PendingAuthorization {
  state: string;
  codeVerifier: string;
  createdAt: number;
}

declare module 'express-session' {
  interface SessionData {
    facebookAuthorization?: PendingAuthorization;
    /** Public id of this browser's latest login attempt. */
    asyncOperationId?: string;
    /** Same-origin path to show after sign-in (validated when stored). */
    returnTo?: string;
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
