import { randomBytes } from 'node:crypto';

/** 128 random bits, base64url: the only kind of id that leaves the server. */
export function newPublicId(): string {
  return randomBytes(16).toString('base64url');
}

export const PUBLIC_ID_LENGTH = 22;
export const PUBLIC_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;
