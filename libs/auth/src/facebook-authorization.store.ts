import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { AUTHORIZATION_TTL_MS } from './auth.constants';
import type { PendingAuthorization } from './session.types';

type StoreCallback = (error: Error | null, state?: string) => void;
type VerifyCallback = (error: Error | null, ok?: string | false, info?: unknown) => void;

/**
 * passport-oauth2's state store, kept in the browser's session: a one-time
 * state of 256 random bits bound to this session, with the PKCE verifier of
 * the same attempt. The callback consumes it through `consume()`; passport
 * calls `store()` when it builds the dialog URL.
 */
@Injectable()
export class FacebookAuthorizationStore {
  constructor(private readonly now: () => number = Date.now) {}

  /** Arity 5 tells passport-oauth2 this store keeps the PKCE verifier too. */
  store(
    req: Request,
    codeVerifier: string,
    _state: unknown,
    _meta: unknown,
    callback: StoreCallback,
  ): void {
    if (!req.session) return callback(new Error('Sessions are required for the OAuth state'));
    const state = randomBytes(32).toString('base64url');
    req.session.facebookAuthorization = { state, codeVerifier, createdAt: this.now() };
    // The session now holds something: its absolute lifetime starts here.
    req.session.createdAt ??= this.now();
    callback(null, state);
  }

  /** passport-oauth2's verify hook (unused on the callback, which never exchanges in the API). */
  verify(req: Request, providedState: string, callback: VerifyCallback): void {
    const verifier = this.consume(req, providedState);
    callback(null, verifier ?? false);
  }

  /**
   * Returns the PKCE verifier if `providedState` is this session's pending
   * state, and forgets it (one-time). A missing or wrong state changes
   * nothing, so a forged callback cannot cancel a real sign-in in flight.
   */
  consume(req: Request, providedState: unknown): string | null {
    const pending: PendingAuthorization | undefined = req.session?.facebookAuthorization;
    if (!pending || typeof providedState !== 'string' || !sameText(pending.state, providedState)) {
      return null;
    }
    delete req.session.facebookAuthorization;
    if (this.now() - pending.createdAt > AUTHORIZATION_TTL_MS) return null;
    return pending.codeVerifier;
  }
}

function sameText(expected: string, provided: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(provided);
  return a.length === b.length && timingSafeEqual(a, b);
}
