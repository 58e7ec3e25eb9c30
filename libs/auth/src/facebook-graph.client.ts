import { createHmac } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { z } from 'zod';
import type { BaseEnv } from '@app/config';
import { USER_PROFILE_LIMITS, type FacebookProfile } from '@app/users';
import { CALLBACK_PATH, FACEBOOK_PROFILE_FIELDS } from './auth.constants';
import { FacebookApiError, classifyFacebookErrorResponse } from './facebook-api.error';
import { LoginErrorCode } from './login-errors';

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

  /** Exchanges an authorization code (with its PKCE verifier) for an access token. */
  async exchangeCode(code: string, codeVerifier: string): Promise<string> {
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
    });
    const parsed = tokenResponse.safeParse(json);
    if (!parsed.success) throw malformed('token', 'has no access_token');
    return parsed.data.access_token;
  }

  /** Reads the person's profile, signed with appsecret_proof. */
  async fetchProfile(accessToken: string): Promise<FacebookProfile> {
    const url = new URL(`${this.graphUrl}/me`);
    url.searchParams.set('fields', FACEBOOK_PROFILE_FIELDS.join(','));
    url.searchParams.set('appsecret_proof', this.appSecretProof(accessToken));
    const json = await this.call('profile', url.toString(), {
      headers: { authorization: `Bearer ${accessToken}` },
    });
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
  ): Promise<unknown> {
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        ...init,
        headers: { accept: 'application/json', ...init.headers },
        signal: AbortSignal.timeout(this.timeoutMs),
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
      const reason =
        (error as Error).name === 'TimeoutError'
          ? `timed out after ${this.timeoutMs} ms`
          : `could not reach Facebook (${(error as Error).message})`;
      throw new FacebookApiError(
        'transient',
        LoginErrorCode.FacebookUnavailable,
        `Facebook ${call} call ${reason}`,
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

function malformed(call: 'token' | 'profile', what: string): FacebookApiError {
  return new FacebookApiError(
    'malformed',
    LoginErrorCode.FacebookBadResponse,
    `Facebook's ${call} answer ${what}`,
  );
}
