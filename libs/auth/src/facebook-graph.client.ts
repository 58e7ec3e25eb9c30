import { createHmac } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { z } from 'zod';
import type { BaseEnv } from '@app/config';
import { USER_PROFILE_LIMITS, type FacebookProfile } from '@app/users';
import { CALLBACK_PATH, FACEBOOK_PROFILE_FIELDS } from './auth.constants';
import { FacebookApiError, classifyFacebookErrorResponse, type CodeFate } from './facebook-api.error';
import { LoginErrorCode } from './login-errors';

/** Network errors raised before a request could reach Facebook: nothing was sent. */
const NOT_SENT_ERROR_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

export interface CallOptions {
  /** Overrides FACEBOOK_TIMEOUT_MS for this call. */
  timeoutMs?: number;
  /** Aborts the call early (the worker lost its job or its lease). */
  signal?: AbortSignal;
}

/** Answers larger than this are not a profile or a token: refuse them unread. */
const MAX_RESPONSE_BYTES = 256 * 1024;

const tokenResponse = z.object({
  access_token: z.string().min(1).max(4096),
  token_type: z.string().optional(),
  expires_in: z.number().optional(),
});

const optionalText = (max: number) =>
  z.string().max(max).nullish().transform((v) => (v ? v : null));

const profileResponse = z.object({
  id: z.string().regex(/^\d{1,64}$/),
  first_name: optionalText(USER_PROFILE_LIMITS.name),
  last_name: optionalText(USER_PROFILE_LIMITS.name),
  email: optionalText(USER_PROFILE_LIMITS.email),
});

/**
 * Facebook's Graph API as the worker needs it: the code exchange and /me.
 * Every call has a timeout; every failure becomes a classified
 * FacebookApiError; secrets travel in bodies and headers, never in URLs.
 */
@Injectable()
export class FacebookGraphClient {
  private readonly graphUrl: string;
  private readonly appId: string;
  private readonly appSecret: string;
  private readonly redirectUri: string;
  private readonly timeoutMs: number;

  constructor(config: ConfigService<BaseEnv, true>) {
    this.graphUrl = config.get('FACEBOOK_GRAPH_URL', { infer: true });
    this.appId = config.get('FACEBOOK_APP_ID', { infer: true });
    this.appSecret = config.get('FACEBOOK_APP_SECRET', { infer: true });
    this.redirectUri = config.get('PUBLIC_URL', { infer: true }) + CALLBACK_PATH;
    this.timeoutMs = config.get('FACEBOOK_TIMEOUT_MS', { infer: true });
  }

  /**
   * Exchanges an authorization code (with its PKCE verifier) for an access
   * token. The caller gives it a long timeout: once sent, the code may be spent,
   * so a late answer is worth waiting for (a retry would find the code used).
   */
  async exchangeCode(code: string, codeVerifier: string, options: CallOptions = {}): Promise<string> {
    const body = new URLSearchParams({
      client_id: this.appId,
      client_secret: this.appSecret,
      redirect_uri: this.redirectUri,
      code,
      code_verifier: codeVerifier,
    });
    const json = await this.call('token', `${this.graphUrl}/oauth/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    }, options);
    const parsed = tokenResponse.safeParse(json);
    if (!parsed.success) throw malformed('token', 'has no access_token');
    return parsed.data.access_token;
  }

  /** Reads the person's profile, signed with appsecret_proof. */
  async fetchProfile(accessToken: string, options: CallOptions = {}): Promise<FacebookProfile> {
    const url = new URL(`${this.graphUrl}/me`);
    url.searchParams.set('fields', FACEBOOK_PROFILE_FIELDS.join(','));
    url.searchParams.set('appsecret_proof', this.appSecretProof(accessToken));
    const json = await this.call('profile', url.toString(), {
      headers: { authorization: `Bearer ${accessToken}` },
    }, options);
    const parsed = profileResponse.safeParse(json);
    if (!parsed.success) {
      const fields = parsed.error.issues.map((i) => i.path.join('.')).join(', ');
      throw malformed('profile', `has unusable fields (${fields})`);
    }
    return {
      facebookId: parsed.data.id,
      firstName: parsed.data.first_name,
      lastName: parsed.data.last_name,
      email: parsed.data.email,
    };
  }

  /** HMAC-SHA256 of the token with the app secret, as Facebook asks for server calls. */
  appSecretProof(accessToken: string): string {
    return createHmac('sha256', this.appSecret).update(accessToken).digest('hex');
  }

  private async call(
    call: 'token' | 'profile',
    url: string,
    init: RequestInit,
    options: CallOptions,
  ): Promise<unknown> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        ...init,
        headers: { accept: 'application/json', ...init.headers },
        signal: options.signal ? AbortSignal.any([timeout, options.signal]) : timeout,
        redirect: 'error',
      });
      const length = Number(response.headers.get('content-length') ?? 0);
      if (length > MAX_RESPONSE_BYTES) {
        await response.body?.cancel();
        throw malformed(call, 'is too large');
      }
      text = await response.text();
    } catch (error) {
      if (error instanceof FacebookApiError) throw error;
      if (options.signal?.aborted && !timeout.aborted) throw options.signal.reason;
      const codeFate = codeFateOf(error);
      const reason = timeout.aborted
        ? `timed out after ${timeoutMs} ms`
        : `could not reach Facebook (${describeNetworkError(error)})`;
      throw new FacebookApiError(
        'transient',
        LoginErrorCode.FacebookUnavailable,
        `Facebook ${call} call ${reason}`,
        { codeFate },
      );
    }
    if (text.length > MAX_RESPONSE_BYTES) throw malformed(call, 'is too large');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (!response.ok) throw classifyFacebookErrorResponse(call, response.status, json);
    if (json === undefined) throw malformed(call, 'is not JSON');
    return json;
  }
}

/** A request refused before it was sent cannot have spent the code; anything else may have. */
function codeFateOf(error: unknown): CodeFate {
  const code = networkErrorCode(error);
  return code && NOT_SENT_ERROR_CODES.has(code) ? 'untouched' : 'unknown';
}

/** fetch wraps the socket's error as `cause` (undici), sometimes twice. */
function networkErrorCode(error: unknown): string | undefined {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 3; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string') return e.code;
  }
  return undefined;
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: Error }).cause;
  return cause?.message ? `${(error as Error).message}: ${cause.message}` : (error as Error).message;
}

function malformed(call: 'token' | 'profile', what: string): FacebookApiError {
  return new FacebookApiError(
    'malformed',
    LoginErrorCode.FacebookBadResponse,
    `Facebook's ${call} answer ${what}`,
  );
}
