import { type BeforeApplicationShutdown, Inject, Injectable, Optional } from '@nestjs/common';
import type { JWK, JWTPayload } from 'jose';
import { pkceS256Challenge, safeEqual } from '../emulator-crypto';
import { faultInputSchemaFor, faultKnobsPatchSchema, parseOrThrow, type FaultInput } from '../emulator-knobs.schemas';
import { EMULATOR_CLOCK, systemClock, type EmulatorClock } from '../emulator.constants';
import { EndpointStats, type EndpointStatsSnapshot } from '../endpoint-stats';
import {
  FaultInjector,
  type EmulatorFault,
  type FaultKnobs,
  type InFlightHandle,
  type InFlightKind,
} from '../fault-injector';
import { HUGE_NAME_LENGTH } from '../fault-playback';
import { GrantStore } from '../grant-store';
import { UserDirectory } from '../user-directory';
import {
  accessTokenHash,
  newGoogleAccessToken,
  newGoogleAuthorizationCode,
  parseBasicAuthorization,
} from './google-crypto';
import {
  GOOGLE_ACCESS_TOKEN_EXPIRES_IN_SECONDS,
  GOOGLE_ENDPOINTS,
  GOOGLE_PATH_PREFIX,
  GOOGLE_ROUTES,
  GOOGLE_SCOPE_URIS,
  GOOGLE_SCOPES,
  ID_TOKEN_LIFETIME_SECONDS,
  type GoogleEndpoint,
  type GoogleScope,
} from './google-emulator.constants';
import {
  GOOGLE_EMULATOR_OPTIONS,
  type ResolvedGoogleClient,
  type ResolvedGoogleEmulatorOptions,
} from './google-emulator.options';
import {
  googleUserFieldsSchema,
  googleUserSubSchema,
  toGoogleUserView,
  type GoogleEmulatorUser,
  type GoogleEmulatorUserFields,
  type GoogleEmulatorUserView,
} from './google-emulator-user';
import { GoogleErrors, type GoogleErrorResponse } from './google-errors';
import { GOOGLE_SIGNING_KEY, signIdToken, type GoogleSigningKey } from './google-signing-key';

/** The Google side's knobs: latency and random failures (no Facebook-only keys). */
export type GoogleEmulatorConfig = FaultKnobs;
export type GoogleEmulatorConfigPatch = Partial<FaultKnobs>;
export type GoogleFaultInput = FaultInput<GoogleEndpoint>;
/** discoveryCalls, tokenCalls, jwksCalls, userinfoCalls, exchangesByCode, successfulExchanges, heldCalls. */
export type GoogleEmulatorStats = EndpointStatsSnapshot<GoogleEndpoint> & {
  /** Calls waiting on a 'hold' fault now (POST /google/__emulator/faults/release answers them). */
  heldCalls: number;
};

export const googleFaultInputSchema = faultInputSchemaFor<GoogleEndpoint>(
  GOOGLE_ENDPOINTS,
  // Both answer an identity: the id_token's claims, or userinfo's JSON.
  { distorting: ['token', 'userinfo'], spending: ['token'] },
);

export interface GoogleIssueCodeInput {
  clientId: string;
  redirectUri: string;
  sub: string;
  scopes: readonly GoogleScope[];
  nonce: string;
  /** S256 only. */
  codeChallenge: string;
}

export interface GoogleTokenRequest {
  grantType?: string;
  code?: string;
  redirectUri?: string;
  codeVerifier?: string;
  /** client_secret_post. */
  clientId?: string;
  clientSecret?: string;
  /** The raw Authorization header: client_secret_basic. */
  authorization?: string;
  /** Where the request arrived, e.g. http://127.0.0.1:3001: the issuer when none is configured. */
  origin: string;
}

/** A 'huge' or 'missing-id' fault: a valid answer whose identity is distorted. */
export type IdentityDistortion = 'huge' | 'missing-id';

export interface GoogleTokenResponse {
  access_token: string;
  expires_in: number;
  scope: string;
  token_type: 'Bearer';
  id_token: string;
}

export type GoogleTokenResult = { ok: true; body: GoogleTokenResponse } | { ok: false; error: GoogleErrorResponse };

export type GoogleUserinfo = Record<string, string | boolean>;

export type GoogleUserinfoResult = { ok: true; body: GoogleUserinfo } | { ok: false; error: GoogleErrorResponse };

export interface OpenIdConfiguration {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  userinfo_endpoint: string;
  jwks_uri: string;
  response_types_supported: string[];
  response_modes_supported: string[];
  subject_types_supported: string[];
  id_token_signing_alg_values_supported: string[];
  scopes_supported: string[];
  token_endpoint_auth_methods_supported: string[];
  claims_supported: string[];
  code_challenge_methods_supported: string[];
  grant_types_supported: string[];
}

interface CodeGrant {
  clientId: string;
  redirectUri: string;
  sub: string;
  scopes: readonly GoogleScope[];
  nonce: string;
  codeChallenge: string;
}

interface TokenGrant {
  clientId: string;
  sub: string;
  scopes: readonly GoogleScope[];
}

/** The claims an id_token and userinfo share, by scope (Google's rules). */
function identityClaims(
  user: GoogleEmulatorUserView,
  scopes: readonly GoogleScope[],
): { email: GoogleUserinfo; profile: GoogleUserinfo } {
  const email: GoogleUserinfo = scopes.includes('email')
    ? { email: user.email, email_verified: user.email_verified }
    : {};
  const profile: GoogleUserinfo = {};
  if (scopes.includes('profile')) {
    profile.name = user.name;
    if (user.picture) profile.picture = user.picture;
    profile.given_name = user.given_name;
    if (user.family_name) profile.family_name = user.family_name;
  }
  return { email, profile };
}

/** Distorted, still well-formed: given_name is always there so clients see it. */
function distort(
  claims: Record<string, unknown>,
  user: GoogleEmulatorUserView,
  distortion: IdentityDistortion | undefined,
): void {
  if (distortion === 'missing-id') delete claims.sub;
  if (distortion === 'huge') {
    const huge = 'a'.repeat(HUGE_NAME_LENGTH);
    claims.given_name = huge;
    claims.name = user.family_name ? `${huge} ${user.family_name}` : huge;
  }
}

/**
 * All of the Google side's state: clients, accounts, one-time codes, access
 * tokens, the signing key, knobs and stats. Codes and tokens are stored only
 * as sha256 hashes, as on the Facebook side.
 */
@Injectable()
export class GoogleEmulatorStateService implements BeforeApplicationShutdown {
  /** Latency, failures and queued faults of discovery, token, JWKS and userinfo. */
  readonly faultInjector = new FaultInjector<GoogleEndpoint>(GOOGLE_ENDPOINTS);
  private readonly clock: EmulatorClock;
  private readonly clients: ReadonlyMap<string, ResolvedGoogleClient>;
  private readonly users: UserDirectory<GoogleEmulatorUser, GoogleEmulatorUserView>;
  private readonly grants: GrantStore<CodeGrant, TokenGrant>;
  private readonly stats = new EndpointStats<GoogleEndpoint>(GOOGLE_ENDPOINTS);

  constructor(
    @Inject(GOOGLE_EMULATOR_OPTIONS)
    private readonly options: ResolvedGoogleEmulatorOptions,
    @Inject(GOOGLE_SIGNING_KEY) private readonly signingKey: GoogleSigningKey,
    @Optional() @Inject(EMULATOR_CLOCK) clock?: EmulatorClock,
  ) {
    this.clock = clock ?? systemClock;
    this.clients = new Map(options.clients.map((client) => [client.clientId, client]));
    this.users = new UserDirectory(options.users, (user) => user.sub, toGoogleUserView);
    this.grants = new GrantStore(this.clock, options.codeTtlMs);
    this.reset();
  }

  // --- issuer and discovery -------------------------------------------------

  /** The configured issuer, or the origin the request arrived at + /google. */
  issuerFor(origin: string): string {
    return this.options.issuer ?? `${origin}${GOOGLE_PATH_PREFIX}`;
  }

  discovery(origin: string): OpenIdConfiguration {
    const issuer = this.issuerFor(origin);
    const browserOrigin = this.options.publicOrigin ?? new URL(issuer).origin;
    return {
      issuer,
      authorization_endpoint: `${browserOrigin}${GOOGLE_PATH_PREFIX}${GOOGLE_ROUTES.authorization}`,
      token_endpoint: `${issuer}${GOOGLE_ROUTES.token}`,
      userinfo_endpoint: `${issuer}${GOOGLE_ROUTES.userinfo}`,
      jwks_uri: `${issuer}${GOOGLE_ROUTES.jwks}`,
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: [...GOOGLE_SCOPES],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      claims_supported: [
        'aud',
        'azp',
        'at_hash',
        'email',
        'email_verified',
        'exp',
        'family_name',
        'given_name',
        'iat',
        'iss',
        'name',
        'nonce',
        'picture',
        'sub',
      ],
      code_challenge_methods_supported: ['S256'],
      grant_types_supported: ['authorization_code'],
    };
  }

  jwks(): { keys: JWK[] } {
    return { keys: [{ ...this.signingKey.publicJwk }] };
  }

  // --- clients --------------------------------------------------------------

  getClient(clientId: string | undefined): ResolvedGoogleClient | undefined {
    return clientId === undefined ? undefined : this.clients.get(clientId);
  }

  isRedirectUriRegistered(clientId: string, redirectUri: string | undefined): boolean {
    const client = this.clients.get(clientId);
    return redirectUri !== undefined && !!client?.redirectUris.includes(redirectUri);
  }

  // --- users ----------------------------------------------------------------

  listUsers(): GoogleEmulatorUserView[] {
    return this.users.list();
  }

  getUser(sub: string): GoogleEmulatorUserView | undefined {
    return this.users.get(sub);
  }

  /** Creates or replaces an account; throws on invalid input. */
  upsertUser(user: GoogleEmulatorUser): GoogleEmulatorUserView {
    const { sub, ...fields } = user;
    return this.putUser(sub, fields);
  }

  /** The knob form of upsertUser: the subject from the path, the fields from the body. */
  putUser(sub: string, fields: GoogleEmulatorUserFields): GoogleEmulatorUserView {
    return this.users.put({
      sub: parseOrThrow(googleUserSubSchema, sub, 'Invalid user sub'),
      ...parseOrThrow(googleUserFieldsSchema, fields, 'Invalid user'),
    });
  }

  /** Tokens of a deleted account stop working. */
  deleteUser(sub: string): boolean {
    return this.users.delete(sub);
  }

  // --- account chooser → code -----------------------------------------------

  /** Mints a one-time code; callers must have validated the whole request. */
  issueCode(input: GoogleIssueCodeInput): string {
    if (!this.isRedirectUriRegistered(input.clientId, input.redirectUri)) {
      throw new Error('issueCode: unknown client_id or unregistered redirect_uri');
    }
    if (!this.users.has(input.sub)) throw new Error('issueCode: unknown user');
    return this.grants.issueCode(newGoogleAuthorizationCode(), {
      clientId: input.clientId,
      redirectUri: input.redirectUri,
      sub: input.sub,
      scopes: [...input.scopes],
      nonce: input.nonce,
      codeChallenge: input.codeChallenge,
    });
  }

  // --- code → tokens --------------------------------------------------------

  /**
   * grant_type, then the client, then the request's parameters (a malformed
   * request leaves the code unspent), then the code, which is spent from
   * there on: its client, redirect_uri and PKCE verifier.
   */
  async exchangeCode(input: GoogleTokenRequest, distortion?: IdentityDistortion): Promise<GoogleTokenResult> {
    if (input.grantType !== 'authorization_code') {
      return fail(GoogleErrors.unsupportedGrantType(input.grantType ?? ''));
    }
    const authenticated = this.authenticateClient(input);
    if (!authenticated.ok) return authenticated;
    const client = authenticated.client;
    if (!input.code) return fail(GoogleErrors.missingParameter('code'));
    if (!input.redirectUri) {
      return fail(GoogleErrors.missingParameter('redirect_uri'));
    }

    const redemption = this.grants.redeemCode(input.code);
    if (redemption.status !== 'fresh') return fail(GoogleErrors.invalidGrant());
    const { grant, ticket } = redemption;
    if (grant.clientId !== client.clientId) {
      return fail(GoogleErrors.invalidGrant());
    }
    if (input.redirectUri !== grant.redirectUri) {
      return fail(GoogleErrors.redirectUriMismatch());
    }
    if (!input.codeVerifier) return fail(GoogleErrors.missingCodeVerifier());
    if (!safeEqual(pkceS256Challenge(input.codeVerifier), grant.codeChallenge)) {
      return fail(GoogleErrors.invalidGrant());
    }
    const user = this.users.get(grant.sub);
    if (!user) return fail(GoogleErrors.invalidGrant());

    const accessToken = newGoogleAccessToken();
    this.grants.issueToken(
      accessToken,
      { clientId: client.clientId, sub: user.sub, scopes: grant.scopes },
      GOOGLE_ACCESS_TOKEN_EXPIRES_IN_SECONDS * 1000,
      ticket,
    );
    const idToken = await signIdToken(
      this.signingKey,
      this.idTokenClaims({
        issuer: this.issuerFor(input.origin),
        clientId: client.clientId,
        user,
        scopes: grant.scopes,
        nonce: grant.nonce,
        accessToken,
        distortion,
      }),
    );
    this.stats.recordSuccessfulExchange();
    return {
      ok: true,
      body: {
        access_token: accessToken,
        expires_in: GOOGLE_ACCESS_TOKEN_EXPIRES_IN_SECONDS,
        scope: grantedScopeString(grant.scopes),
        token_type: 'Bearer',
        id_token: idToken,
      },
    };
  }

  // --- access token → userinfo ----------------------------------------------

  userinfo(accessToken: string | undefined, distortion?: IdentityDistortion): GoogleUserinfoResult {
    const found = accessToken ? this.grants.findToken(accessToken) : undefined;
    if (!found || found.expired) return fail(GoogleErrors.invalidToken());
    const user = this.users.get(found.grant.sub);
    if (!user) return fail(GoogleErrors.invalidToken());
    const { email, profile } = identityClaims(user, found.grant.scopes);
    // Google's order: sub, the profile, then the e-mail.
    const body: GoogleUserinfo = { sub: user.sub, ...profile, ...email };
    distort(body, user, distortion);
    return { ok: true, body };
  }

  // --- knobs ----------------------------------------------------------------

  getConfig(): GoogleEmulatorConfig {
    return this.faultInjector.getKnobs();
  }

  /** Applies the given keys (others unchanged); throws on invalid input. */
  configure(patch: GoogleEmulatorConfigPatch): GoogleEmulatorConfig {
    this.faultInjector.setKnobs(parseOrThrow(faultKnobsPatchSchema, patch));
    return this.getConfig();
  }

  /** Queues `times` one-shot faults for the next calls to the endpoint. */
  addFault(input: GoogleFaultInput): Record<GoogleEndpoint, EmulatorFault[]> {
    this.faultInjector.enqueue(parseOrThrow(googleFaultInputSchema, input));
    return this.listFaults();
  }

  /** Forgets the queued faults, and nothing else (codes, tokens, users and held calls stay). */
  clearFaults(): Record<GoogleEndpoint, EmulatorFault[]> {
    this.faultInjector.clearQueued();
    return this.listFaults();
  }

  listFaults(): Record<GoogleEndpoint, EmulatorFault[]> {
    return this.faultInjector.list();
  }

  takeFault(endpoint: GoogleEndpoint): EmulatorFault | undefined {
    return this.faultInjector.take(endpoint);
  }

  // --- stats ----------------------------------------------------------------

  /** Counts a request (faulted ones included) before anything else. */
  recordCall(endpoint: GoogleEndpoint, code?: string): void {
    this.stats.recordCall(endpoint, code);
  }

  getStats(): GoogleEmulatorStats {
    return { ...this.stats.snapshot(), heldCalls: this.faultInjector.heldCount() };
  }

  /** Answers the calls waiting on a 'hold' fault, as if nothing had happened. */
  releaseHeld(): { released: number } {
    return { released: this.faultInjector.releaseHeld() };
  }

  /** Back to boot state: boot accounts, no codes/tokens/faults/latency, zero stats. The key stays. */
  reset(): void {
    this.users.reset();
    this.grants.clear();
    this.stats.reset();
    this.faultInjector.reset();
  }

  // --- sockets held open by faults and latency ------------------------------

  trackInFlight(handle: InFlightHandle, kind: InFlightKind): () => void {
    return this.faultInjector.trackInFlight(handle, kind);
  }

  inFlightCount(): number {
    return this.faultInjector.inFlightCount();
  }

  beforeApplicationShutdown(): void {
    this.faultInjector.releaseInFlight();
  }

  // --- internals ------------------------------------------------------------

  private authenticateClient(
    input: GoogleTokenRequest,
  ): { ok: true; client: ResolvedGoogleClient } | { ok: false; error: GoogleErrorResponse } {
    const basic = parseBasicAuthorization(input.authorization);
    if (basic === null) return fail(GoogleErrors.unauthorizedClient(true));
    if (basic && input.clientSecret !== undefined) {
      return fail(GoogleErrors.twoClientAuthentications());
    }
    if (basic && input.clientId && input.clientId !== basic.clientId) {
      return fail(GoogleErrors.twoClientAuthentications());
    }
    const clientId = basic?.clientId ?? input.clientId;
    const secret = basic?.clientSecret ?? input.clientSecret;
    if (!clientId) return fail(GoogleErrors.noClientId());
    const client = this.clients.get(clientId);
    if (!client) return fail(GoogleErrors.clientNotFound(!!basic));
    if (!secret || !safeEqual(secret, client.clientSecret)) {
      return fail(GoogleErrors.unauthorizedClient(!!basic));
    }
    return { ok: true, client };
  }

  private idTokenClaims(input: {
    issuer: string;
    clientId: string;
    user: GoogleEmulatorUserView;
    scopes: readonly GoogleScope[];
    nonce: string;
    accessToken: string;
    distortion?: IdentityDistortion;
  }): JWTPayload {
    const iat = Math.floor(this.clock.now() / 1000);
    const { email, profile } = identityClaims(input.user, input.scopes);
    // Google's claim order.
    const claims: JWTPayload = {
      iss: input.issuer,
      azp: input.clientId,
      aud: input.clientId,
      sub: input.user.sub,
      ...email,
      at_hash: accessTokenHash(input.accessToken),
      nonce: input.nonce,
      ...profile,
      iat,
      exp: iat + ID_TOKEN_LIFETIME_SECONDS,
    };
    distort(claims, input.user, input.distortion);
    return claims;
  }
}

/** Google answers with the long scope names, openid first. */
export function grantedScopeString(scopes: readonly GoogleScope[]): string {
  return GOOGLE_SCOPES.filter((scope) => scopes.includes(scope))
    .map((scope) => GOOGLE_SCOPE_URIS[scope])
    .join(' ');
}

function fail(error: GoogleErrorResponse): {
  ok: false;
  error: GoogleErrorResponse;
} {
  return { ok: false, error };
}
