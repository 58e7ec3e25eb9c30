import { sameOriginPath, type User } from './auth';
import { request } from './http';
import type { ApiSchemas } from './schema-types';

/**
 * A configured sign-in provider, as `GET /api/auth/providers` lists it: the
 * lower-case `id` of `/auth/<id>` (`facebook`, `google`) and its display `name`.
 */
export type Provider = ApiSchemas['SignInProviderDto'];

export const PROVIDERS_URL = '/api/auth/providers';

export const FACEBOOK: Provider = { id: 'facebook', name: 'Facebook' };
export const GOOGLE: Provider = { id: 'google', name: 'Google' };

/** The providers the SPA knows by id (for wording and branding). */
export const KNOWN_PROVIDERS: readonly Provider[] = [FACEBOOK, GOOGLE];

/**
 * What the sign-in page offers when the list cannot be loaded: Facebook
 * alone, as before there was a second provider.
 */
export const FALLBACK_PROVIDERS: readonly Provider[] = [FACEBOOK];

const ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,31}$/;

function isProvider(value: unknown): value is Provider {
  if (typeof value !== 'object' || value === null) return false;
  const { id, name } = value as Partial<Provider>;
  return (
    typeof id === 'string' &&
    ID_PATTERN.test(id) &&
    typeof name === 'string' &&
    name.trim() !== ''
  );
}

/**
 * The configured providers, in the server's order. Rejects when the answer
 * lists none the SPA can use (so the caller falls back, never shows none).
 */
export async function getProviders(): Promise<Provider[]> {
  // Typed as the document says, checked all the same: a bad entry is left out, not shown.
  const body = await request<
    Partial<ApiSchemas['SignInProvidersDto']> | undefined
  >(PROVIDERS_URL);
  const listed: unknown = body?.providers;
  const providers = Array.isArray(listed) ? listed.filter(isProvider) : [];
  if (!providers.length) throw new Error('No usable sign-in provider listed');
  return providers;
}

/** Normalises a `?provider=` query value (string, array or missing). */
export function providerIdFromQuery(value: unknown): string | null {
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' && first.trim() ? first.trim() : null;
}

/**
 * The provider an id names, for wording: no id means Facebook (every
 * attempt was Facebook's before there were others), a known id its
 * provider, anything else `null` (say it without naming one).
 */
export function providerFromId(id: string | null | undefined): Provider | null {
  if (id === null || id === undefined || id === '') return FACEBOOK;
  return KNOWN_PROVIDERS.find((provider) => provider.id === id) ?? null;
}

/** "Facebook", "Facebook or Google", "Facebook, Google, or GitHub". */
export function listNames(
  names: readonly string[],
  type: 'conjunction' | 'disjunction',
): string {
  return new Intl.ListFormat('en', { style: 'long', type }).format(names);
}

/** The sign-in button's text: Facebook's is the one it always had. */
export function signInLabel(provider: Provider): string {
  return provider.id === FACEBOOK.id
    ? 'Continue with Facebook'
    : `Continue with ${provider.name}`;
}

export interface SignInUrlOptions {
  /** Where the SPA goes after the sign-in (a same-origin path). */
  returnTo?: string;
  /** Link this provider to the signed-in user instead of signing in. */
  link?: boolean;
  /** Ask again for permissions the person declined (`auth_type=rerequest`). */
  rerequest?: readonly string[];
}

/**
 * Full-page navigation target that starts a sign-in with a provider:
 * `/auth/<id>`, `?link=1` to link it, `?rerequest=email` to ask again for
 * what was declined, `returnTo=<path>`.
 */
export function signInUrl(
  providerId: string,
  { returnTo, link = false, rerequest = [] }: SignInUrlOptions = {},
): string {
  const query = new URLSearchParams();
  if (link) query.set('link', '1');
  if (rerequest.length) query.set('rerequest', rerequest.join(','));
  if (returnTo !== undefined) query.set('returnTo', sameOriginPath(returnTo));
  const search = query.toString();
  return `/auth/${encodeURIComponent(providerId)}${search ? `?${search}` : ''}`;
}

/**
 * "Try again" after a sign-in with a provider failed or was abandoned, for
 * whoever is on the page: signed out, a new sign-in; signed in and the
 * provider already linked, the re-request of what they declined on it (the
 * only reason to go back to a linked provider: "Share your e-mail"); signed
 * in otherwise, the link again.
 */
export function retrySignInUrl(providerId: string, user: User | null): string {
  if (!user) return signInUrl(providerId);
  const declined = user.declined ?? [];
  if (user.providers?.includes(providerId) && declined.length) {
    return signInUrl(providerId, { rerequest: declined });
  }
  return signInUrl(providerId, { link: true });
}
