import { createHash, randomBytes } from 'node:crypto';
import { newAuthorizationCode } from '../emulator-crypto';

/**
 * Google's codes look like `4/0AX4XfW…`: the slash means a client must
 * URL-decode the callback's `code` before sending it back.
 */
export function newGoogleAuthorizationCode(): string {
  return `4/0A${newAuthorizationCode()}`;
}

/** Google access tokens are `ya29.` and a long opaque tail. */
export function newGoogleAccessToken(): string {
  return `ya29.a0${randomBytes(120).toString('base64url')}`;
}

/** OpenID Connect `at_hash` for RS256: base64url of the left half of sha256(token). */
export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken, 'ascii').digest().subarray(0, 16).toString('base64url');
}

export interface BasicCredentials {
  clientId: string;
  clientSecret: string;
}

/**
 * `Authorization: Basic base64(id:secret)`, each part form-urlencoded
 * (RFC 6749 §2.3.1). undefined: no Basic header; null: a malformed one.
 */
export function parseBasicAuthorization(header: string | undefined): BasicCredentials | null | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header ?? '');
  if (!header || !/^Basic\s/i.test(header)) return undefined;
  if (!match) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return null;
  try {
    const part = (value: string) => decodeURIComponent(value.replace(/\+/g, ' '));
    return {
      clientId: part(decoded.slice(0, colon)),
      clientSecret: part(decoded.slice(colon + 1)),
    };
  } catch {
    return null;
  }
}
