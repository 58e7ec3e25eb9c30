import { createHash, timingSafeEqual } from 'node:crypto';

/** Google's id among the providers: its routes are /auth/google…, its jobs say `provider: 'google'`. */
export const GOOGLE = 'google';

/** Google as the API and the SPA list it (GET /api/auth/providers). */
export const GOOGLE_PROVIDER = { id: GOOGLE, name: 'Google' } as const;

/** Where Google sends the browser back. */
export const GOOGLE_CALLBACK_PATH = '/auth/google/callback';

/** What Google sign-in asks for: the person's id, e-mail and names. */
export const GOOGLE_SCOPES = ['openid', 'email', 'profile'] as const;

/** Equality in time independent of where the texts differ (and of their lengths: both are hashed first). */
export function sameText(expected: string, provided: string): boolean {
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(provided).digest();
  return timingSafeEqual(a, b);
}
