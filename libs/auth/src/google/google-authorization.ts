import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { BaseEnv } from '@app/config';
import { GoogleDiscovery } from './google-discovery';

/** Where Google sends the browser back. */
export const GOOGLE_CALLBACK_PATH = '/auth/google/callback';
/** What Google sign-in asks for: the person's id, e-mail and names. */
export const GOOGLE_SCOPES = ['openid', 'email', 'profile'] as const;

/**
 * One authorization request in flight, kept in the browser's session until
 * the callback: the state that binds the callback to this session, the nonce
 * the id_token must carry, and the PKCE verifier the token call must present.
 */
export interface PendingGoogleAuthorization {
  state: string;
  nonce: string;
  codeVerifier: string;
  /** Epoch milliseconds. */
  createdAt: number;
}

export interface GoogleAuthorizationRequest {
  /** Google's consent page, to redirect the browser to. */
  url: string;
  pending: PendingGoogleAuthorization;
}

export interface GoogleAuthorizationOptions {
  /** Let the person pick another Google account than the one signed in (prompt=select_account). */
  selectAccount?: boolean;
  signal?: AbortSignal;
}

/**
 * Builds the OpenID Connect authorization request (code flow with PKCE S256,
 * state and nonce of 256 random bits each). The caller keeps `pending` in the
 * session and redirects to `url`.
 */
@Injectable()
export class GoogleAuthorization {
  private readonly clientId: string;
  readonly redirectUri: string;

  constructor(
    config: ConfigService<BaseEnv, true>,
    private readonly discovery: GoogleDiscovery,
  ) {
    const clientId = config.get('GOOGLE_CLIENT_ID', { infer: true });
    if (!clientId) throw new Error('Google sign-in is off: GOOGLE_CLIENT_ID is unset');
    this.clientId = clientId;
    this.redirectUri = config.get('PUBLIC_URL', { infer: true }) + GOOGLE_CALLBACK_PATH;
  }

  /** Throws the discovery's GoogleApiError when the issuer's metadata is not to be had. */
  async start(options: GoogleAuthorizationOptions = {}, now: number = Date.now()): Promise<GoogleAuthorizationRequest> {
    const { authorizationEndpoint } = await this.discovery.metadata({ signal: options.signal });
    const pending: PendingGoogleAuthorization = {
      state: randomToken(),
      nonce: randomToken(),
      codeVerifier: randomToken(),
      createdAt: now,
    };
    const url = new URL(authorizationEndpoint);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', this.clientId);
    url.searchParams.set('redirect_uri', this.redirectUri);
    url.searchParams.set('scope', GOOGLE_SCOPES.join(' '));
    url.searchParams.set('state', pending.state);
    url.searchParams.set('nonce', pending.nonce);
    url.searchParams.set('code_challenge', codeChallenge(pending.codeVerifier));
    url.searchParams.set('code_challenge_method', 'S256');
    if (options.selectAccount) url.searchParams.set('prompt', 'select_account');
    return { url: url.href, pending };
  }
}

/** 256 random bits, base64url: 43 characters (a valid PKCE verifier too). */
function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/** PKCE's S256: base64url(SHA-256(verifier)). */
export function codeChallenge(codeVerifier: string): string {
  return createHash('sha256').update(codeVerifier).digest('base64url');
}

/**
 * What the callback's state did to the pending authorization:
 * - `accepted`: it is this session's pending state, in time: go on with `pending`;
 * - `expired`: it is this session's state, but too old;
 * - `mismatch`: missing, wrong, or nothing pending.
 * `spent` says the caller must now delete the stored authorization (one-time:
 * a matched state is used up, in time or not). A mismatch changes nothing, so
 * a forged callback cannot cancel a real sign-in in flight.
 */
export type PendingConsumption =
  | { outcome: 'accepted'; spent: true; pending: PendingGoogleAuthorization }
  | { outcome: 'expired'; spent: true }
  | { outcome: 'mismatch'; spent: false };

/**
 * Checks the callback's state against the stored pending authorization, in
 * constant time, as FacebookAuthorizationStore.consume does. Pure: the caller
 * deletes the stored record when `spent` is true.
 */
export function consumePending(
  stored: PendingGoogleAuthorization | null | undefined,
  providedState: unknown,
  now: number,
  ttlMs: number,
): PendingConsumption {
  if (!isPending(stored) || typeof providedState !== 'string' || !sameText(stored.state, providedState)) {
    return { outcome: 'mismatch', spent: false };
  }
  if (now - stored.createdAt > ttlMs) return { outcome: 'expired', spent: true };
  return { outcome: 'accepted', spent: true, pending: stored };
}

/** A session's record is data from a store: check its shape before trusting it. */
function isPending(value: unknown): value is PendingGoogleAuthorization {
  const v = value as Partial<PendingGoogleAuthorization> | null | undefined;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.state === 'string' &&
    v.state.length > 0 &&
    typeof v.nonce === 'string' &&
    typeof v.codeVerifier === 'string' &&
    typeof v.createdAt === 'number'
  );
}

/** Equality in time independent of where the texts differ (and of their lengths: both are hashed first). */
export function sameText(expected: string, provided: string): boolean {
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(provided).digest();
  return timingSafeEqual(a, b);
}
