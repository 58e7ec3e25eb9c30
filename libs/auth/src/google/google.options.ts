/**
 * What a host app asks Google for beyond openid, email and profile:
 * `GoogleAuthModule.forRoot({ extraScope: [...] })` on the API (the dialog
 * asks for it) and `GoogleExchangeModule.forRoot({ extraClaims: ['locale'] })`
 * on the worker (the verified id_token's claims, carried by
 * SIGN_IN_FINISHED_EVENT in `identity.extra`). See docs/EXTENDING.md.
 */
export interface GoogleOptions {
  /** Extra scopes of the authorization request. */
  extraScope?: readonly string[];
  /** id_token claims to hand to the host, e.g. `locale`, `hd`, `picture`. */
  extraClaims?: readonly string[];
}

export const GOOGLE_OPTIONS = Symbol('GOOGLE_OPTIONS');
