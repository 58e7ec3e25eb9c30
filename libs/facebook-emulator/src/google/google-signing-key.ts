import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  SignJWT,
  type JWK,
  type JWTPayload,
  type KeyLike,
} from 'jose';

/** The RS256 key pair id_tokens are signed with; a new one each time the emulator boots. */
export interface GoogleSigningKey {
  kid: string;
  privateKey: KeyLike;
  /** As served in the JWKS: kid, alg RS256, use sig. */
  publicJwk: JWK;
}

export const GOOGLE_SIGNING_KEY = Symbol('GOOGLE_SIGNING_KEY');

export async function generateGoogleSigningKey(): Promise<GoogleSigningKey> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', {
    modulusLength: 2048,
  });
  const jwk = await exportJWK(publicKey);
  // The RFC 7638 thumbprint: stable for the key, unique across keys.
  const kid = await calculateJwkThumbprint(jwk);
  return {
    kid,
    privateKey,
    publicJwk: {
      kty: jwk.kty,
      n: jwk.n,
      e: jwk.e,
      kid,
      alg: 'RS256',
      use: 'sig',
    },
  };
}

/** A compact JWS over the claims as given (iat and exp included, from the emulator's clock). */
export function signIdToken(key: GoogleSigningKey, claims: JWTPayload): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' }).sign(key.privateKey);
}
