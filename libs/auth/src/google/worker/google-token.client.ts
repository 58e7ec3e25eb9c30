import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { z } from 'zod';
import type { BaseEnv } from '@app/config';
import { GoogleApiError } from '../google-api.error';
import { GOOGLE_CALLBACK_PATH, sameText } from '../google.constants';
import { GoogleDiscovery } from '../google-discovery';
import { KeepAliveAgents } from '../../core/worker/provider-http';
import { callGoogle, malformedAnswer } from '../google-http';

/** Leeway for clocks that disagree with Google's on `exp`, `iat` and `nbf`. */
export const ID_TOKEN_CLOCK_TOLERANCE_S = 30;

/**
 * Lengths the identity's fields may have: OpenID Connect's 255 ASCII
 * characters for `sub`; the user profile's columns for names and e-mail.
 */
export const GOOGLE_IDENTITY_LIMITS = { subject: 255, name: 512, email: 320 } as const;

/** Google's historical issuer spelling, still allowed by its documentation in `iss`. */
const GOOGLE_ISSUER = 'https://accounts.google.com';
const GOOGLE_BARE_ISSUER = 'accounts.google.com';

export interface GoogleCallOptions {
  /** Overrides GOOGLE_TIMEOUT_MS for this call. */
  timeoutMs?: number;
  /** Aborts the call early (the worker lost its job or its lease); rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** What the token endpoint answered (the code is spent once this exists). */
export interface GoogleTokens {
  idToken: string;
  accessToken: string | null;
  /** The scopes granted, space-separated, as Google reports them. */
  scope: string | null;
  expiresInSeconds: number | null;
}

/** The person, as a verified id_token describes them. */
export interface GoogleIdentity {
  /** OIDC `sub`: Google's stable id of the person (a decimal string at Google). */
  subject: string;
  /** Only an address Google says it verified; null otherwise. */
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  /** Every claim of the verified id_token (for the claims a host asks for). */
  claims: Readonly<Record<string, unknown>>;
}

const tokenResponse = z.object({
  id_token: z
    .string()
    .min(1)
    .max(16 * 1024),
  access_token: z.string().min(1).max(4096).optional(),
  scope: z.string().max(4096).optional(),
  expires_in: z.number().optional(),
});

const optionalText = (max: number) =>
  z
    .string()
    .max(max)
    .nullish()
    .transform((v) => (v ? v : null));

const idTokenClaims = z.object({
  sub: z.string().min(1).max(GOOGLE_IDENTITY_LIMITS.subject),
  email: optionalText(GOOGLE_IDENTITY_LIMITS.email),
  // Google sends a boolean; some older tokens carried the text "true".
  email_verified: z.union([z.boolean(), z.enum(['true', 'false'])]).optional(),
  given_name: optionalText(GOOGLE_IDENTITY_LIMITS.name),
  family_name: optionalText(GOOGLE_IDENTITY_LIMITS.name),
});

/**
 * Google's token endpoint and id_token verification, as the worker needs
 * them. Every call has a timeout; every failure becomes a classified
 * GoogleApiError; the secret travels in the body, never in a URL.
 */
@Injectable()
export class GoogleTokenClient implements OnModuleDestroy {
  private readonly clientId: string;
  private readonly clientSecret: string;
  private readonly redirectUri: string;
  private readonly timeoutMs: number;
  /** Keep-alive connections to the token endpoint. */
  readonly agents = new KeepAliveAgents();

  constructor(
    config: ConfigService<BaseEnv, true>,
    private readonly discovery: GoogleDiscovery,
  ) {
    const clientId = config.get('GOOGLE_CLIENT_ID', { infer: true });
    const clientSecret = config.get('GOOGLE_CLIENT_SECRET', { infer: true });
    if (!clientId || !clientSecret) {
      throw new Error('Google sign-in is off: GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET are needed');
    }
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.redirectUri = config.get('PUBLIC_URL', { infer: true }) + GOOGLE_CALLBACK_PATH;
    this.timeoutMs = config.get('GOOGLE_TIMEOUT_MS', { infer: true });
  }

  /**
   * Redeems an authorization code (with its PKCE verifier) at the token
   * endpoint. Once sent, the code may be spent: a failure after that has
   * `codeMayBeSpent` (reason provider_timeout for a timeout or a dropped
   * connection), so the caller may give this call a long timeout, as the
   * Facebook side does, rather than retry with a spent code.
   */
  async redeemCode(code: string, codeVerifier: string, options: GoogleCallOptions = {}): Promise<GoogleTokens> {
    // The discovery's failures never touch the code (their codeFate is 'untouched').
    const { tokenEndpoint } = await this.discovery.metadata({ signal: options.signal });
    const body = new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: this.redirectUri,
      client_id: this.clientId,
      client_secret: this.clientSecret,
      code_verifier: codeVerifier,
    });
    const json = await callGoogle(
      this.agents,
      'token',
      new URL(tokenEndpoint),
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: body.toString(),
      },
      options.timeoutMs ?? this.timeoutMs,
      options.signal,
    );
    const parsed = tokenResponse.safeParse(json);
    if (!parsed.success) throw malformedAnswer('token', 'has no usable id_token');
    return {
      idToken: parsed.data.id_token,
      accessToken: parsed.data.access_token ?? null,
      scope: parsed.data.scope ?? null,
      expiresInSeconds: parsed.data.expires_in ?? null,
    };
  }

  /**
   * Verifies the id_token: its RS256 signature against the issuer's JWKS,
   * `iss`, `aud` (and `azp`), `exp`/`iat` with 30 s of leeway, and `nonce`
   * against the one this sign-in sent. A token that fails any of it is
   * provider_bad_response (final); a JWKS that cannot be fetched is
   * provider_unavailable (retryable, and the id_token stays good until `exp`).
   */
  async verifyIdToken(
    idToken: string,
    expectedNonce: string,
    options: GoogleCallOptions = {},
  ): Promise<GoogleIdentity> {
    if (typeof expectedNonce !== 'string' || expectedNonce.length === 0) {
      throw new TypeError('verifyIdToken needs the nonce this sign-in sent');
    }
    const { metadata, keys } = await this.discovery.provider({ signal: options.signal });
    const issuers = metadata.issuer === GOOGLE_ISSUER ? [GOOGLE_ISSUER, GOOGLE_BARE_ISSUER] : [metadata.issuer];
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    let payload: JWTPayload;
    try {
      // jose's JWKS timeout covers waiting for an answer; this one also covers a slow body.
      ({ payload } = await withTimeout(
        jwtVerify(idToken, keys, {
          issuer: issuers,
          audience: this.clientId,
          algorithms: ['RS256'],
          clockTolerance: ID_TOKEN_CLOCK_TOLERANCE_S,
          requiredClaims: ['exp', 'iat', 'sub'],
        }),
        timeoutMs + 1000,
        options.signal,
      ));
    } catch (error) {
      throw classifyVerificationError(error, timeoutMs);
    }
    // Several audiences: OpenID Connect asks for azp, which must be us; one given must be us anyway.
    if (Array.isArray(payload.aud) && payload.aud.length > 1 && payload.azp === undefined) {
      throw rejectedToken('has several audiences and no azp');
    }
    if (payload.azp !== undefined && payload.azp !== this.clientId) {
      throw rejectedToken('was issued to another client (azp)');
    }
    if (typeof payload.nonce !== 'string') throw rejectedToken('carries no nonce');
    if (!sameText(expectedNonce, payload.nonce)) throw rejectedToken("carries another sign-in's nonce");
    const claims = idTokenClaims.safeParse(payload);
    if (!claims.success) {
      const fields = [...new Set(claims.error.issues.map((i) => i.path.join('.')))].join(', ');
      throw rejectedToken(`has unusable claims (${fields})`);
    }
    const verified = claims.data.email_verified === true || claims.data.email_verified === 'true';
    return {
      subject: claims.data.sub,
      email: verified ? claims.data.email : null,
      firstName: claims.data.given_name,
      lastName: claims.data.family_name,
      claims: payload,
    };
  }

  onModuleDestroy(): void {
    this.agents.destroy();
  }
}

function rejectedToken(what: string): GoogleApiError {
  return new GoogleApiError('provider_bad_response', false, `Google's id_token ${what}`);
}

class VerificationTimeout extends Error {}

/**
 * What a failed jwtVerify means: the issuer's keys were not to be had (worth
 * a retry), or the token itself is not acceptable (final).
 */
function classifyVerificationError(error: unknown, timeoutMs: number): unknown {
  if (error instanceof GoogleApiError) return error;
  if (error instanceof joseErrors.JWKSTimeout || error instanceof VerificationTimeout) {
    return new GoogleApiError('provider_unavailable', true, `Google JWKS call timed out after ${timeoutMs} ms`);
  }
  if (error instanceof joseErrors.JOSEError) {
    // jose's own words for a JWKS answer that is not 200, or not JSON.
    if (error.code === 'ERR_JOSE_GENERIC' && error.message.startsWith('Expected 200 OK')) {
      return new GoogleApiError('provider_unavailable', true, 'Google JWKS call was not answered with 200 OK');
    }
    if (error.code === 'ERR_JOSE_GENERIC' || error instanceof joseErrors.JWKSInvalid) {
      return new GoogleApiError('provider_bad_response', false, `Google's JWKS answer is unusable (${error.message})`);
    }
    if (error instanceof joseErrors.JWKSNoMatchingKey) {
      return rejectedToken('is signed with a key the issuer does not publish');
    }
    return rejectedToken(`failed verification (${error.code}: ${error.message.slice(0, 200)})`);
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) {
    return new GoogleApiError('provider_unavailable', true, `Google JWKS call could not reach Google (${code})`);
  }
  // jose refuses input that is not a JWT at all with a TypeError or the like.
  if (error instanceof TypeError) return rejectedToken(`is not a JWT (${error.message.slice(0, 200)})`);
  return error;
}

/** The promise, or a VerificationTimeout after `ms`, or the signal's reason when it aborts. */
function withTimeout<T>(promise: Promise<T>, ms: number, signal?: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => settle(() => reject(signal!.reason as Error));
    const timer = setTimeout(() => settle(() => reject(new VerificationTimeout())), ms);
    let settled = false;
    const settle = (then: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      then();
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => settle(() => resolve(value)),
      (error: Error) => settle(() => reject(error)),
    );
  });
}
