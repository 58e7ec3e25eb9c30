import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Request } from 'express';
import type { BaseEnv } from '@app/config';
import { PendingAuthorizations } from '../../core/api/pending-authorizations';
import { GoogleDiscovery } from '../google-discovery';
import { GOOGLE, GOOGLE_CALLBACK_PATH, GOOGLE_SCOPES } from '../google.constants';

export interface GoogleAuthorizationOptions {
  /** Let the person pick another Google account than the one signed in (prompt=select_account). */
  selectAccount?: boolean;
  /** Scopes the host asks for beyond openid, email and profile (docs/EXTENDING.md). */
  extraScope?: readonly string[];
  signal?: AbortSignal;
}

/**
 * Builds the OpenID Connect authorization request (code flow with PKCE S256,
 * state and nonce of 256 random bits each), keeping the state, verifier and
 * nonce in the browser's session through the core's PendingAuthorizations.
 */
@Injectable()
export class GoogleAuthorization {
  private readonly clientId: string;
  readonly redirectUri: string;

  constructor(
    config: ConfigService<BaseEnv, true>,
    private readonly discovery: GoogleDiscovery,
    private readonly pending: PendingAuthorizations,
  ) {
    const clientId = config.get('GOOGLE_CLIENT_ID', { infer: true });
    if (!clientId) throw new Error('Google sign-in is off: GOOGLE_CLIENT_ID is unset');
    this.clientId = clientId;
    this.redirectUri = config.get('PUBLIC_URL', { infer: true }) + GOOGLE_CALLBACK_PATH;
  }

  /**
   * The dialog's URL for this browser. Throws the discovery's GoogleApiError
   * (before anything is stored) when the issuer's metadata is not to be had.
   */
  async dialogUrl(req: Request, options: GoogleAuthorizationOptions = {}): Promise<string> {
    const { authorizationEndpoint } = await this.discovery.metadata({ signal: options.signal });
    const codeVerifier = randomToken();
    const nonce = randomToken();
    const state = this.pending.begin(req, GOOGLE, { codeVerifier, nonce });
    const url = new URL(authorizationEndpoint);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', this.clientId);
    url.searchParams.set('redirect_uri', this.redirectUri);
    url.searchParams.set('scope', [...new Set([...GOOGLE_SCOPES, ...(options.extraScope ?? [])])].join(' '));
    url.searchParams.set('state', state);
    url.searchParams.set('nonce', nonce);
    url.searchParams.set('code_challenge', codeChallenge(codeVerifier));
    url.searchParams.set('code_challenge_method', 'S256');
    if (options.selectAccount) url.searchParams.set('prompt', 'select_account');
    return url.href;
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
