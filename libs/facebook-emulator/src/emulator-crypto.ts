import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type PkceMethod = 'S256' | 'plain';

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Key under which stats report a code: tests can hash the code they saw. */
export function emulatorCodeKey(code: string): string {
  return sha256Hex(code);
}

/**
 * What Graph expects in `appsecret_proof`: hex HMAC-SHA256 with the app secret
 * of the token, or, in the timestamped form, of `token|appsecret_time`.
 */
export function computeAppSecretProof(accessToken: string, appSecret: string, appsecretTime?: string): string {
  const message = appsecretTime === undefined ? accessToken : `${accessToken}|${appsecretTime}`;
  return createHmac('sha256', appSecret).update(message, 'utf8').digest('hex');
}

/** S256 challenge for a verifier: base64url(sha256(verifier)), no padding. */
export function pkceS256Challenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

// RFC 7636: 43–128 characters from the unreserved set (challenges and verifiers alike).
export const PKCE_CHALLENGE_PATTERN = /^[A-Za-z0-9\-._~]{43,128}$/;

export function verifyPkce(method: PkceMethod, challenge: string, verifier: string | undefined): boolean {
  if (!verifier) return false;
  const expected = method === 'S256' ? pkceS256Challenge(verifier) : verifier;
  return safeEqual(expected, challenge);
}

/** ≥ 32 random bytes, base64url: unguessable one-time authorization code. */
export function newAuthorizationCode(): string {
  return randomBytes(48).toString('base64url');
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Facebook user tokens are `EAA` + a long alphanumeric string. */
export function newAccessToken(length = 180): string {
  let out = 'EAA';
  while (out.length < length + 3) {
    for (const byte of randomBytes(length)) {
      // Rejection sampling keeps the alphabet uniform (248 = 62 * 4).
      if (byte < 248 && out.length < length + 3) out += ALPHANUMERIC[byte % 62];
    }
  }
  return out;
}
