import { type BeforeApplicationShutdown, Inject, Injectable, Optional } from '@nestjs/common';
import {
  computeAppSecretProof,
  newAccessToken,
  newAuthorizationCode,
  type PkceMethod,
  safeEqual,
  verifyPkce,
} from './emulator-crypto';
import {
  configPatchSchema,
  faultInputSchema,
  graphEndpointSchema,
  parseOrThrow,
  type EmulatorConfigPatch,
  type EmulatorFaultInput,
  type GraphEndpoint,
} from './emulator-knobs.schemas';
import {
  emulatorUserFieldsSchema,
  emulatorUserIdSchema,
  toUserView,
  userDisplayName,
  type EmulatorUser,
  type EmulatorUserFields,
  type EmulatorUserView,
} from './emulator-user';
import { EndpointStats } from './endpoint-stats';
import { FacebookErrors, type FacebookErrorResponse } from './facebook-errors';
import { systemClock } from './emulator.constants';
import {
  ACCESS_TOKEN_EXPIRES_IN_SECONDS,
  EMULATOR_CLOCK,
  FACEBOOK_EMULATOR_OPTIONS,
  resolveEmulatorOptions,
  type EmulatorClock,
  type FacebookEmulatorOptions,
  type ResolvedEmulatorApp,
  type ResolvedEmulatorOptions,
} from './facebook-emulator.options';
import { FaultInjector, type EmulatorFault, type InFlightHandle, type InFlightKind } from './fault-injector';
import { GrantStore } from './grant-store';
import type { LatencyProfile } from './latency';
import { PermissionLedger } from './permission-ledger';
import { UserDirectory } from './user-directory';

export type { EmulatorFault, InFlightHandle, InFlightKind };

export interface EmulatorConfig {
  latency: LatencyProfile | null;
  failureRate: number;
  requireAppSecretProof: boolean;
}

export interface EmulatorStats {
  tokenCalls: number;
  meCalls: number;
  permissionsCalls: number;
  /** Token requests carrying each code, keyed by sha256 hex of the code. */
  exchangesByCode: Record<string, number>;
  successfulExchanges: number;
  /** Calls waiting on a 'hold' fault now (POST /__emulator/faults/release answers them). */
  heldCalls: number;
}

export interface IssueCodeInput {
  clientId: string;
  redirectUri: string;
  userId: string;
  /** What the person granted in this dialog (public_profile included). */
  scopes: readonly string[];
  /** What they unticked in this dialog ("Edit access"). */
  declined?: readonly string[];
  codeChallenge?: string;
  codeChallengeMethod?: PkceMethod;
}

export interface TokenExchangeInput {
  clientId?: string;
  clientSecret?: string;
  redirectUri?: string;
  code?: string;
  codeVerifier?: string;
}

export interface AccessTokenResponse {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
}

export type TokenExchangeResult = { ok: true; body: AccessTokenResponse } | { ok: false; error: FacebookErrorResponse };

export interface ProfileRequest {
  accessToken?: string;
  appsecretProof?: string;
  /** Unix seconds the proof was made at (the timestamped proof); absent for the plain one. */
  appsecretTime?: string;
  /** Comma-separated Graph field list; default `id,name`. */
  fields?: string;
  /** The emulator's own origin as the caller reached it: where `picture` URLs point. */
  pictureBaseUrl?: string;
}

export type UserField = 'id' | 'name' | 'first_name' | 'last_name' | 'middle_name' | 'short_name' | 'email' | 'picture';

/** Graph's `picture` field: `{ data: { url, width, height, is_silhouette } }`. */
export interface GraphPicture {
  data: { url: string; width: number; height: number; is_silhouette: boolean };
}

export type GraphUserProfile = Partial<Record<Exclude<UserField, 'picture'>, string>> & { picture?: GraphPicture };

export type ProfileResult =
  { ok: true; profile: GraphUserProfile; userId: string } | { ok: false; error: FacebookErrorResponse };

/** `GET /me/permissions`, in Facebook's shape. */
export interface GraphPermissions {
  data: Array<{ permission: string; status: 'granted' | 'declined' }>;
}

export type PermissionsResult = { ok: true; body: GraphPermissions } | { ok: false; error: FacebookErrorResponse };

/** Where `picture` URLs point, under the emulator's own origin. */
export const PICTURE_PATH_PREFIX = '/emulator/pictures';
/** Pixel sizes of Graph's `picture.type(…)`; Facebook's default is small. */
const PICTURE_SIZES: Readonly<Record<string, number>> = { small: 50, square: 50, album: 50, normal: 100, large: 200 };

interface CodeGrant {
  clientId: string;
  redirectUri: string;
  userId: string;
  /** Every permission granted to the app so far, and every one declined, as of the dialog. */
  scopes: readonly string[];
  declined: readonly string[];
  codeChallenge?: string;
  codeChallengeMethod?: PkceMethod;
}

interface TokenGrant {
  appId: string;
  userId: string;
  scopes: readonly string[];
  declined: readonly string[];
}

const DEFAULT_FIELDS = 'id,name';
/** How far `appsecret_time` may be from the emulator's clock, either way. */
export const APPSECRET_TIME_WINDOW_S = 300;

// middle_name is accepted (passport-facebook asks for it) but, as on Facebook
// for people without one, never returned.
const USER_FIELDS: ReadonlySet<string> = new Set<UserField>([
  'id',
  'name',
  'first_name',
  'last_name',
  'middle_name',
  'short_name',
  'email',
  'picture',
]);

/**
 * All of the Facebook side's state: apps, users, one-time codes, tokens,
 * knobs and stats. Codes and tokens are stored only as sha256 hashes.
 */
@Injectable()
export class EmulatorStateService implements BeforeApplicationShutdown {
  /** Latency, failures and queued faults of /oauth/access_token and /me. */
  readonly faultInjector = new FaultInjector<GraphEndpoint>(graphEndpointSchema.options);
  private readonly options: ResolvedEmulatorOptions;
  private readonly apps: ReadonlyMap<string, ResolvedEmulatorApp>;
  private readonly users: UserDirectory<EmulatorUser, EmulatorUserView>;
  private readonly grants: GrantStore<CodeGrant, TokenGrant>;
  private readonly permissions = new PermissionLedger();
  private readonly stats = new EndpointStats<GraphEndpoint>(graphEndpointSchema.options);
  private requireAppSecretProof: boolean;
  private readonly clock: EmulatorClock;

  constructor(
    @Inject(FACEBOOK_EMULATOR_OPTIONS) options: FacebookEmulatorOptions,
    @Optional() @Inject(EMULATOR_CLOCK) clock?: EmulatorClock,
  ) {
    this.options = resolveEmulatorOptions(options);
    this.apps = new Map(this.options.apps.map((app) => [app.appId, app]));
    this.users = new UserDirectory(this.options.users, (user) => user.id, toUserView);
    this.clock = clock ?? systemClock;
    this.grants = new GrantStore(this.clock, this.options.codeTtlMs);
    this.reset();
  }

  /** The origin browsers reach the emulator at (EMULATOR_PUBLIC_URL), if one was configured. */
  get publicOrigin(): string | undefined {
    return this.options.publicUrl;
  }

  // --- apps -----------------------------------------------------------------

  getApp(appId: string | undefined): ResolvedEmulatorApp | undefined {
    return appId === undefined ? undefined : this.apps.get(appId);
  }

  isRedirectUriRegistered(appId: string, redirectUri: string | undefined): boolean {
    const app = this.apps.get(appId);
    return redirectUri !== undefined && !!app?.redirectUris.includes(redirectUri);
  }

  // --- users ----------------------------------------------------------------

  listUsers(): EmulatorUserView[] {
    return this.users.list();
  }

  getUser(id: string): EmulatorUserView | undefined {
    return this.users.get(id);
  }

  /** Creates or replaces a user; throws on invalid input. */
  upsertUser(user: EmulatorUser): EmulatorUserView {
    const { id, ...fields } = user;
    return this.putUser(id, fields);
  }

  /** The knob form of upsertUser: the id from the path, the fields from the body. */
  putUser(id: string, fields: EmulatorUserFields): EmulatorUserView {
    return this.users.put({
      id: parseOrThrow(emulatorUserIdSchema, id, 'Invalid user id'),
      ...parseOrThrow(emulatorUserFieldsSchema, fields, 'Invalid user'),
    });
  }

  /** Tokens of a deleted user stop working, as for a deleted account. */
  deleteUser(id: string): boolean {
    this.permissions.forgetUser(id);
    return this.users.delete(id);
  }

  /** What the person declined to the app in earlier dialogs: not asked again without auth_type=rerequest. */
  declinedBefore(appId: string, userId: string): readonly string[] {
    return this.permissions.get(appId, userId).declined;
  }

  // --- dialog → code --------------------------------------------------------

  /** Mints a one-time code; callers must have validated app and redirect URI. */
  issueCode(input: IssueCodeInput): string {
    if (!this.isRedirectUriRegistered(input.clientId, input.redirectUri)) {
      throw new Error('issueCode: unknown client_id or unregistered redirect_uri');
    }
    if (!this.users.has(input.userId)) throw new Error('issueCode: unknown user');
    // Facebook keeps the answer from the moment the person continues; a token carries all granted so far.
    const record = this.permissions.record(input.clientId, input.userId, input.scopes, input.declined ?? []);
    return this.grants.issueCode(newAuthorizationCode(), {
      clientId: input.clientId,
      redirectUri: input.redirectUri,
      userId: input.userId,
      scopes: record.granted,
      declined: record.declined,
      codeChallenge: input.codeChallenge,
      codeChallengeMethod: input.codeChallenge ? (input.codeChallengeMethod ?? 'plain') : undefined,
    });
  }

  // --- code → token ---------------------------------------------------------

  /** Checks run in Facebook's order; see FacebookErrors for the bodies. */
  exchangeCode(input: TokenExchangeInput): TokenExchangeResult {
    if (!input.clientId) return fail(FacebookErrors.missingClientId());
    const app = this.apps.get(input.clientId);
    if (!app) return fail(FacebookErrors.invalidApplicationId());
    if (!input.clientSecret || !safeEqual(input.clientSecret, app.appSecret)) {
      return fail(FacebookErrors.invalidClientSecret());
    }
    if (!input.code) return fail(FacebookErrors.invalidVerificationCode());

    // Past the client checks the code is spent, whatever happens next;
    // Facebook treats a replayed code as a leak and revokes what it issued.
    const redemption = this.grants.redeemCode(input.code);
    switch (redemption.status) {
      case 'unknown':
        return fail(FacebookErrors.invalidVerificationCode());
      case 'replayed':
        return fail(FacebookErrors.codeAlreadyUsed());
      case 'expired':
        return fail(FacebookErrors.codeExpired());
    }
    const { grant, ticket } = redemption;
    if (input.redirectUri !== grant.redirectUri) {
      return fail(FacebookErrors.redirectUriMismatch());
    }
    if (grant.clientId !== app.appId) return fail(FacebookErrors.invalidVerificationCode());
    if (
      grant.codeChallenge &&
      !verifyPkce(grant.codeChallengeMethod ?? 'plain', grant.codeChallenge, input.codeVerifier)
    ) {
      return fail(FacebookErrors.invalidCodeVerifier());
    }

    const accessToken = newAccessToken();
    this.grants.issueToken(
      accessToken,
      { appId: app.appId, userId: grant.userId, scopes: grant.scopes, declined: grant.declined },
      ACCESS_TOKEN_EXPIRES_IN_SECONDS * 1000,
      ticket,
    );
    this.stats.recordSuccessfulExchange();
    return {
      ok: true,
      body: {
        access_token: accessToken,
        token_type: 'bearer',
        expires_in: ACCESS_TOKEN_EXPIRES_IN_SECONDS,
      },
    };
  }

  // --- token → profile ------------------------------------------------------

  /**
   * Graph's check of a server call's proof: the plain HMAC of the token, or the
   * timestamped one (`appsecret_time`, which must be whole seconds within
   * APPSECRET_TIME_WINDOW_S of now, so a captured proof soon stops working).
   */
  private checkAppSecretProof(
    request: Pick<ProfileRequest, 'appsecretProof' | 'appsecretTime'>,
    token: string,
    appSecret: string,
  ): FacebookErrorResponse | undefined {
    const { appsecretProof: proof, appsecretTime: time } = request;
    if (!proof) return this.requireAppSecretProof ? FacebookErrors.appSecretProofRequired() : undefined;
    if (time !== undefined) {
      const ageS = Math.abs(this.clock.now() / 1000 - Number(time));
      if (!/^\d{1,12}$/.test(time) || ageS > APPSECRET_TIME_WINDOW_S) return FacebookErrors.invalidAppSecretTime();
    }
    if (!safeEqual(proof.toLowerCase(), computeAppSecretProof(token, appSecret, time))) {
      return FacebookErrors.invalidAppSecretProof();
    }
    return undefined;
  }

  getProfile(request: ProfileRequest): ProfileResult {
    const authorized = this.authorize(request);
    if (!authorized.ok) return authorized;
    const { user, record } = authorized;

    const requested = parseFields(request.fields);
    for (const field of requested) {
      if (!USER_FIELDS.has(field)) return fail(FacebookErrors.nonexistingField(field));
    }
    // Facebook answers in the requested order and appends id when not asked.
    const profile: GraphUserProfile = {};
    for (const field of requested as UserField[]) {
      if (field === 'picture') {
        profile.picture = pictureOf(user, pictureSize(request.fields), request.pictureBaseUrl ?? '');
        continue;
      }
      const value = fieldValue(user, field, record.scopes);
      if (value !== undefined) profile[field] = value;
    }
    if (profile.id === undefined) profile.id = user.id;
    return { ok: true, profile, userId: user.id };
  }

  /** `GET /me/permissions`: what the token's person granted and declined to its app. */
  getPermissions(request: Omit<ProfileRequest, 'fields' | 'pictureBaseUrl'>): PermissionsResult {
    const authorized = this.authorize(request);
    if (!authorized.ok) return authorized;
    const { scopes, declined } = authorized.record;
    return {
      ok: true,
      body: {
        data: [
          ...scopes.map((permission) => ({ permission, status: 'granted' as const })),
          ...declined.map((permission) => ({ permission, status: 'declined' as const })),
        ],
      },
    };
  }

  /** The user a picture URL names, while they exist. */
  findPictureUser(userId: string): EmulatorUserView | undefined {
    return this.users.get(userId);
  }

  /** The token's checks of every /me call (and /me/permissions): live token, its app, appsecret_proof, its user. */
  private authorize(
    request: Pick<ProfileRequest, 'accessToken' | 'appsecretProof' | 'appsecretTime'>,
  ): { ok: true; user: EmulatorUser; record: TokenGrant } | { ok: false; error: FacebookErrorResponse } {
    const token = request.accessToken;
    if (!token) return fail(FacebookErrors.noActiveAccessToken());
    const found = this.grants.findToken(token);
    if (!found) return fail(FacebookErrors.invalidAccessToken());
    if (found.expired) return fail(FacebookErrors.sessionExpired());
    const record = found.grant;
    const app = this.apps.get(record.appId);
    if (!app) return fail(FacebookErrors.invalidAccessToken());

    const proofError = this.checkAppSecretProof(request, token, app.appSecret);
    if (proofError) return fail(proofError);

    const user = this.users.find(record.userId);
    if (!user) return fail(FacebookErrors.userNotAuthorized(app.appId));
    return { ok: true, user, record };
  }

  // --- knobs ----------------------------------------------------------------

  getConfig(): EmulatorConfig {
    return {
      ...this.faultInjector.getKnobs(),
      requireAppSecretProof: this.requireAppSecretProof,
    };
  }

  /** Applies the given keys (others unchanged); throws on invalid input. */
  configure(patch: EmulatorConfigPatch): EmulatorConfig {
    const { requireAppSecretProof, ...knobs } = parseOrThrow(configPatchSchema, patch);
    this.faultInjector.setKnobs(knobs);
    if (requireAppSecretProof !== undefined) {
      this.requireAppSecretProof = requireAppSecretProof;
    }
    return this.getConfig();
  }

  /** Queues `times` one-shot faults for the next calls to the endpoint. */
  addFault(input: EmulatorFaultInput): Record<GraphEndpoint, EmulatorFault[]> {
    this.faultInjector.enqueue(parseOrThrow(faultInputSchema, input));
    return this.listFaults();
  }

  /** Forgets the queued faults, and nothing else (codes, tokens, users and held calls stay). */
  clearFaults(): Record<GraphEndpoint, EmulatorFault[]> {
    this.faultInjector.clearQueued();
    return this.listFaults();
  }

  listFaults(): Record<GraphEndpoint, EmulatorFault[]> {
    return this.faultInjector.list();
  }

  takeFault(endpoint: GraphEndpoint): EmulatorFault | undefined {
    return this.faultInjector.take(endpoint);
  }

  sampleLatencyMs(): number {
    return this.faultInjector.sampleLatencyMs();
  }

  shouldInjectFailure(random: () => number = Math.random): boolean {
    return this.faultInjector.shouldInjectFailure(random);
  }

  // --- stats ----------------------------------------------------------------

  /** Counts a token request (faulted ones included) before anything else. */
  recordTokenCall(code: string | undefined): void {
    this.stats.recordCall('token', code);
  }

  recordMeCall(): void {
    this.stats.recordCall('me');
  }

  recordPermissionsCall(): void {
    this.stats.recordCall('permissions');
  }

  getStats(): EmulatorStats {
    return { ...this.stats.snapshot(), heldCalls: this.faultInjector.heldCount() };
  }

  /** Answers the calls waiting on a 'hold' fault, as if nothing had happened. */
  releaseHeld(): { released: number } {
    return { released: this.faultInjector.releaseHeld() };
  }

  /** Back to boot state: boot users, no codes/tokens/faults/latency, zero stats. */
  reset(): void {
    this.users.reset();
    this.grants.clear();
    this.permissions.clear();
    this.requireAppSecretProof = this.options.requireAppSecretProof;
    this.stats.reset();
    this.faultInjector.reset();
  }

  // --- sockets held open by faults and latency ------------------------------

  /** Returns the function to call once the response ended on its own. */
  trackInFlight(handle: InFlightHandle, kind: InFlightKind): () => void {
    return this.faultInjector.trackInFlight(handle, kind);
  }

  inFlightCount(): number {
    return this.faultInjector.inFlightCount();
  }

  beforeApplicationShutdown(): void {
    // Otherwise a hanging response would keep server.close() waiting forever.
    this.faultInjector.releaseInFlight();
  }
}

function fail(error: FacebookErrorResponse): {
  ok: false;
  error: FacebookErrorResponse;
} {
  return { ok: false, error };
}

function parseFields(fields: string | undefined): string[] {
  const list = (fields ?? DEFAULT_FIELDS)
    .split(',')
    .map((field) => field.trim())
    // Field expansion/modifiers (`name{...}`, `picture.type(large)`): base name only.
    .map((field) => field.replace(/[.{(].*$/, ''))
    .filter((field) => field.length > 0);
  const unique = [...new Set(list)];
  return unique.length > 0 ? unique : DEFAULT_FIELDS.split(',');
}

/** The size `picture.type(large)` (or `picture.width(n)`) asks for; small when it names none. */
function pictureSize(fields: string | undefined): number {
  const picture = (fields ?? '')
    .split(',')
    .map((field) => field.trim())
    .find((field) => /^picture(?:[.{(]|$)/.test(field));
  const type = /\.type\((\w+)\)/.exec(picture ?? '')?.[1];
  if (type !== undefined) return PICTURE_SIZES[type] ?? PICTURE_SIZES.small;
  const width = Number(/\.width\((\d{1,4})\)/.exec(picture ?? '')?.[1]);
  return width > 0 ? Math.min(width, 1024) : PICTURE_SIZES.small;
}

/** Facebook's picture answer, pointing at the avatar the emulator serves itself. */
function pictureOf(user: EmulatorUser, size: number, baseUrl: string): GraphPicture {
  return {
    data: {
      url: `${baseUrl}${PICTURE_PATH_PREFIX}/${user.id}.svg?size=${size}`,
      width: size,
      height: size,
      is_silhouette: false,
    },
  };
}

function fieldValue(
  user: EmulatorUser,
  field: Exclude<UserField, 'picture'>,
  scopes: readonly string[],
): string | undefined {
  switch (field) {
    case 'id':
      return user.id;
    case 'name':
      return userDisplayName(user);
    case 'first_name':
    case 'short_name':
      return user.first_name;
    case 'last_name':
      return user.last_name;
    case 'middle_name':
      return undefined;
    case 'email':
      return user.email && scopes.includes('email') ? user.email : undefined;
  }
}
