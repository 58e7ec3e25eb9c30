import { createHmac } from 'node:crypto';
import type http from 'node:http';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { z } from 'zod';
import { facebookEndpointsFrom, type BaseEnv } from '@app/config';
import { USER_PROFILE_LIMITS, type FacebookProfile } from '@app/users';
import { FACEBOOK_CALLBACK_PATH, FACEBOOK_PROFILE_FIELDS } from '../facebook.constants';
import { FACEBOOK_OPTIONS, type FacebookOptions } from '../facebook.options';
import { reRequestablePermissions } from '../facebook-permissions';
import { FACEBOOK_PERMISSION_NAME } from '../facebook-permissions';
import { isPictureFromSources, pictureImageSources } from '../facebook-picture-sources';
import {
  ProviderTransportError,
  describeTransportFailure,
  keepAliveAgent,
  parseJson,
  sendProviderRequest,
  type ProviderRequest,
} from '../../core/worker/provider-http';
import { FacebookApiError, classifyFacebookErrorResponse, type GraphCall } from './facebook-api.error';
import { ReasonCode } from '../../core/reason-codes';

export interface CallOptions {
  /** Overrides FACEBOOK_TIMEOUT_MS for this call. */
  timeoutMs?: number;
  /** Aborts the call early (the worker lost its job or its lease). */
  signal?: AbortSignal;
}

const tokenResponse = z.object({
  access_token: z.string().min(1).max(4096),
  token_type: z.string().optional(),
  expires_in: z.number().optional(),
});

const optionalText = (max: number) =>
  z
    .string()
    .max(max)
    .nullish()
    .transform((v) => (v ? v : null));

const profileResponse = z.object({
  id: z.string().regex(/^\d{1,64}$/),
  first_name: optionalText(USER_PROFILE_LIMITS.name),
  last_name: optionalText(USER_PROFILE_LIMITS.name),
  email: optionalText(USER_PROFILE_LIMITS.email),
  // A picture Graph answers oddly is no reason to refuse the sign-in: it is left out.
  picture: z
    .object({
      data: z.object({
        url: z.string().max(USER_PROFILE_LIMITS.pictureUrl).optional(),
        is_silhouette: z.boolean().optional(),
      }),
    })
    .optional()
    .catch(undefined),
});

/** /me/permissions' list, each entry read on its own: one odd entry is dropped, not the answer. */
const permissionsResponse = z.object({ data: z.array(z.unknown()).max(500) });
const permissionEntry = z.object({
  permission: z.string().regex(FACEBOOK_PERMISSION_NAME),
  status: z.string().max(32),
});

/** What the person granted and declined to the app, as /me/permissions answers. */
export interface GrantedPermissions {
  granted: string[];
  /** Only permissions the app asks for (email, the host's extraScope): Facebook lists every one ever declined. */
  declined: string[];
}

/**
 * Facebook's Graph API as the worker needs it: the code exchange, /me and
 * /me/permissions, over the providers' shared transport. Every call has a timeout; every failure becomes a classified
 * FacebookApiError; secrets travel in bodies and headers, never in URLs.
 */
@Injectable()
export class FacebookGraphClient {
  private readonly graphUrl: string;
  private readonly appId: string;
  private readonly appSecret: string;
  private readonly redirectUri: string;
  private readonly timeoutMs: number;
  /** Keep-alive connections to the Graph host, shared by a sign-in's calls and the sign-ins after it. */
  readonly agent: http.Agent;

  private readonly fields: string;
  private readonly extraFields: readonly string[];
  /** The permissions the dialog asks for that a person may decline: the only declines worth keeping. */
  private readonly requested: ReadonlySet<string>;
  /** Where a kept picture may come from: the sources the API's CSP lets the browser load. */
  private readonly pictureSources: readonly string[];

  constructor(
    config: ConfigService<BaseEnv, true>,
    @Optional() @Inject(FACEBOOK_OPTIONS) options: FacebookOptions = {},
  ) {
    this.extraFields = options.extraFields ?? [];
    this.requested = new Set(reRequestablePermissions(options.extraScope));
    this.fields = [...new Set([...FACEBOOK_PROFILE_FIELDS, ...this.extraFields])].join(',');
    this.graphUrl = facebookEndpointsFrom(config).graphApiUrl;
    this.pictureSources = pictureImageSources({
      FACEBOOK_WEB_URL: config.get('FACEBOOK_WEB_URL', { infer: true }),
      FACEBOOK_GRAPH_URL: config.get('FACEBOOK_GRAPH_URL', { infer: true }),
    });
    this.appId = config.get('FACEBOOK_APP_ID', { infer: true });
    this.appSecret = config.get('FACEBOOK_APP_SECRET', { infer: true });
    this.redirectUri = config.get('PUBLIC_URL', { infer: true }) + FACEBOOK_CALLBACK_PATH;
    this.timeoutMs = config.get('FACEBOOK_TIMEOUT_MS', { infer: true });
    this.agent = keepAliveAgent(new URL(this.graphUrl).protocol);
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
    const json = await this.call(
      'token',
      new URL(`${this.graphUrl}/oauth/access_token`),
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: body.toString(),
      },
      options,
    );
    const parsed = tokenResponse.safeParse(json);
    if (!parsed.success) throw malformed('token', 'has no access_token');
    return parsed.data.access_token;
  }

  /** Reads the person's profile, signed with appsecret_time and appsecret_proof. */
  async fetchProfile(
    accessToken: string,
    options: CallOptions = {},
  ): Promise<FacebookProfile & { extra?: Record<string, unknown> }> {
    const url = new URL(`${this.graphUrl}/me`);
    url.searchParams.set('fields', this.fields);
    this.signServerCall(url, accessToken);
    const json = await this.call(
      'profile',
      url,
      {
        method: 'GET',
        headers: { authorization: `Bearer ${accessToken}` },
      },
      options,
    );
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
      pictureUrl: pictureUrlOf(parsed.data.picture, this.pictureSources),
      ...(this.extraFields.length && { extra: pick(json, this.extraFields) }),
    };
  }

  /**
   * What the person granted and declined on the dialog (`GET /me/permissions`),
   * signed like /me: Facebook leaves a declined e-mail out of /me, and only
   * this says whether it was declined or the account has none. Facebook lists
   * every permission ever declined, also ones the app no longer asks for: only
   * those it asks for are kept, and entries it cannot read are dropped.
   * Undefined when the answer is unusable (not JSON, not a list): what was
   * declined is then unknown and the stored list stays, the sign-in goes on.
   * A failed call (transport, 4xx, 5xx) fails as /me does.
   */
  async fetchPermissions(accessToken: string, options: CallOptions = {}): Promise<GrantedPermissions | undefined> {
    const url = new URL(`${this.graphUrl}/me/permissions`);
    this.signServerCall(url, accessToken);
    let json: unknown;
    try {
      json = await this.call(
        'permissions',
        url,
        { method: 'GET', headers: { authorization: `Bearer ${accessToken}` } },
        options,
      );
    } catch (error) {
      if (error instanceof FacebookApiError && error.kind === 'malformed') return undefined;
      throw error;
    }
    const parsed = permissionsResponse.safeParse(json);
    if (!parsed.success) return undefined;
    const entries = parsed.data.data.flatMap((entry) => {
      const read = permissionEntry.safeParse(entry);
      return read.success ? [read.data] : [];
    });
    const having = (status: string) => [
      ...new Set(entries.filter((p) => p.status === status).map((p) => p.permission)),
    ];
    return {
      granted: having('granted'),
      declined: having('declined').filter((permission) => this.requested.has(permission)),
    };
  }

  /**
   * Signs a Graph call made with a person's token the way Facebook now documents:
   * `appsecret_time` (unix seconds) and `appsecret_proof` = HMAC-SHA256 of
   * `token|time` with the app secret, so a proof that leaks soon stops working.
   */
  signServerCall(url: URL, accessToken: string, nowMs = Date.now()): void {
    const time = String(Math.floor(nowMs / 1000));
    url.searchParams.set('appsecret_time', time);
    url.searchParams.set('appsecret_proof', this.appSecretProof(accessToken, time));
  }

  /** HMAC-SHA256 with the app secret of `token|time` (the timestamped proof). */
  appSecretProof(accessToken: string, appsecretTime: string): string {
    return createHmac('sha256', this.appSecret).update(`${accessToken}|${appsecretTime}`).digest('hex');
  }

  private async call(call: GraphCall, url: URL, init: ProviderRequest, options: CallOptions): Promise<unknown> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    let answer;
    try {
      answer = await sendProviderRequest(this.agent, url, init, timeoutMs, options.signal);
    } catch (error) {
      if (!(error instanceof ProviderTransportError)) throw error;
      if (error.kind === 'aborted') throw error.cause;
      if (error.kind === 'too-large') throw malformed(call, 'is too large');
      throw new FacebookApiError(
        'transient',
        ReasonCode.ProviderUnavailable,
        `Facebook ${call} call ${describeTransportFailure(error, 'Facebook', timeoutMs)}`,
        { codeFate: error.codeFate },
      );
    }
    const json = parseJson(answer.text);
    if (answer.status < 200 || answer.status >= 300) throw classifyFacebookErrorResponse(call, answer.status, json);
    if (json === undefined) throw malformed(call, 'is not JSON');
    return json;
  }
}

function malformed(call: GraphCall, what: string): FacebookApiError {
  return new FacebookApiError('malformed', ReasonCode.ProviderBadResponse, `Facebook's ${call} answer ${what}`);
}

/**
 * The picture's address, unless it is Facebook's silhouette (no picture) or
 * not served from the picture sources (the API's img-src would block it, and
 * a stored address is answered to the SPA as is).
 */
function pictureUrlOf(
  picture: { data: { url?: string; is_silhouette?: boolean } } | undefined,
  sources: readonly string[],
): string | null {
  const url = picture?.data.url;
  if (!url || picture.data.is_silhouette === true) return null;
  return isPictureFromSources(url, sources) ? url : null;
}

/**
 * The fields the host asked for, as Facebook answered them (absent ones left
 * out), by the name Graph answers under: `picture.type(large)` and
 * `friends{name}` come back as `picture` and `friends`.
 */
function pick(json: unknown, fields: readonly string[]): Record<string, unknown> {
  const answer = (json ?? {}) as Record<string, unknown>;
  const names = [...new Set(fields.map((field) => field.split(/[.{]/, 1)[0]))];
  return Object.fromEntries(names.filter((name) => name in answer).map((name) => [name, answer[name]]));
}
