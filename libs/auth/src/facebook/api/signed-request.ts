import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** How old a signed_request may be: Facebook sends it at once, so an old one is a replay. */
export const SIGNED_REQUEST_MAX_AGE_S = 60 * 60;
/** Tolerated clock skew for an issued_at in the future. */
const MAX_CLOCK_SKEW_S = 5 * 60;
const MAX_SIGNED_REQUEST_LENGTH = 8192;

const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

const payloadSchema = z.object({
  algorithm: z.string(),
  user_id: z.string().regex(/^\d{1,64}$/),
  issued_at: z.number().int(),
});

export type SignedRequestPayload = z.infer<typeof payloadSchema>;

export class InvalidSignedRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidSignedRequestError';
  }
}

/**
 * Verifies one of Facebook's signed requests (data deletion, deauthorize):
 * `<base64url signature>.<base64url JSON payload>`, HMAC-SHA256 of the
 * payload part with the app secret, compared in constant time.
 */
export function parseSignedRequest(
  signedRequest: unknown,
  appSecret: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): SignedRequestPayload {
  if (typeof signedRequest !== 'string' || !signedRequest || signedRequest.length > MAX_SIGNED_REQUEST_LENGTH) {
    throw new InvalidSignedRequestError('signed_request is missing or not a single string');
  }
  const dot = signedRequest.indexOf('.');
  if (dot <= 0 || dot === signedRequest.length - 1) {
    throw new InvalidSignedRequestError('signed_request is not <signature>.<payload>');
  }
  const encodedSignature = signedRequest.slice(0, dot);
  const encodedPayload = signedRequest.slice(dot + 1);
  if (!BASE64URL.test(encodedSignature) || !BASE64URL.test(encodedPayload)) {
    throw new InvalidSignedRequestError('signed_request is not base64url');
  }

  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(encodedPayload, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidSignedRequestError('signed_request payload is not JSON');
  }
  const parsed = payloadSchema.safeParse(payload);
  if (!parsed.success) throw new InvalidSignedRequestError('signed_request payload lacks user_id or issued_at');
  if (parsed.data.algorithm.toUpperCase() !== 'HMAC-SHA256') {
    throw new InvalidSignedRequestError('signed_request algorithm must be HMAC-SHA256');
  }

  const expected = createHmac('sha256', appSecret).update(encodedPayload).digest();
  const provided = Buffer.from(encodedSignature, 'base64url');
  if (provided.length !== expected.length || !timingSafeEqual(provided, expected)) {
    throw new InvalidSignedRequestError('signed_request signature does not match');
  }

  const age = nowSeconds - parsed.data.issued_at;
  if (age > SIGNED_REQUEST_MAX_AGE_S || age < -MAX_CLOCK_SKEW_S) {
    throw new InvalidSignedRequestError('signed_request is too old or from the future');
  }
  return parsed.data;
}

/** The last second at which parseSignedRequest still accepts this request: a replay guard need not remember it longer. */
export function signedRequestLastValidSecond(payload: Pick<SignedRequestPayload, 'issued_at'>): number {
  return payload.issued_at + SIGNED_REQUEST_MAX_AGE_S;
}

/**
 * What identifies one signed request: the SHA-256 of its payload part. Its
 * signature can be spelled several ways in base64url (padding, unused bits),
 * but a valid one exists for exactly one payload string, so each accepted
 * request has one digest however it is re-encoded.
 */
export function signedRequestDigest(signedRequest: string): string {
  const payloadPart = signedRequest.slice(signedRequest.indexOf('.') + 1);
  return createHash('sha256').update(payloadPart).digest('base64url');
}

/** Builds a signed request the way Facebook does (for the emulator and tests). */
export function signRequest(payload: Record<string, unknown>, appSecret: string): string {
  const encodedPayload = Buffer.from(JSON.stringify(payload)).toString('base64url');
  const signature = createHmac('sha256', appSecret).update(encodedPayload).digest('base64url');
  return `${signature}.${encodedPayload}`;
}
