import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { PendingAuthorizations } from '../../core/api/pending-authorizations';
import { FACEBOOK } from '../facebook.constants';

type StoreCallback = (error: Error | null, state?: string) => void;
type VerifyCallback = (error: Error | null, ok?: string | false, info?: unknown) => void;

/**
 * passport-oauth2's state store, over the core's PendingAuthorizations:
 * passport calls `store()` when it builds the dialog URL. The callback never
 * goes through passport (it consumes the state in SignInCallbackService).
 */
@Injectable()
export class FacebookAuthorizationStore {
  constructor(private readonly pending: PendingAuthorizations) {}

  /** Arity 5 tells passport-oauth2 this store keeps the PKCE verifier too. */
  store(req: Request, codeVerifier: string, _state: unknown, _meta: unknown, callback: StoreCallback): void {
    try {
      callback(null, this.pending.begin(req, FACEBOOK, { codeVerifier }));
    } catch (error) {
      callback(error as Error);
    }
  }

  /** passport-oauth2's verify hook (unused: the callback never exchanges in the API). */
  verify(req: Request, providedState: string, callback: VerifyCallback): void {
    callback(null, this.pending.consume(req, FACEBOOK, providedState)?.codeVerifier ?? false);
  }
}
