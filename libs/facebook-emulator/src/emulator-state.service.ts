import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Optional,
} from '@nestjs/common';
import {
  computeAppSecretProof,
  newAccessToken,
  newAuthorizationCode,
  type PkceMethod,
  safeEqual,
  sha256Hex,
  verifyPkce,
} from './emulator-crypto';
import {
  configPatchSchema,
  describeZodError,
  faultInputSchema,
  type EmulatorConfigPatch,
  type EmulatorFaultInput,
  type FaultKind,
  type GraphEndpoint,
} from './emulator-knobs.schemas';
import {
  emulatorUserFieldsSchema,
  emulatorUserIdSchema,
  toUserView,
  userDisplayName,
  type EmulatorUser,
  type EmulatorUserView,
} from './emulator-user';
import { FacebookErrors, type FacebookErrorResponse } from './facebook-errors';
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
import { sampleLatencyMs, type LatencyProfile } from './latency';

export interface EmulatorConfig {
  latency: LatencyProfile | null;
  failureRate: number;
  requireAppSecretProof: boolean;
}

export interface EmulatorFault {
  kind: FaultKind;
  /** Only for kind 'status'. */
  status?: number;
  /** Only for kind 'spend-then-late'. */
  delayMs?: number;
}

export interface EmulatorStats {
  tokenCalls: number;
  meCalls: number;
  /** Token requests carrying each code, keyed by sha256 hex of the code. */
  exchangesByCode: Record<string, number>;
  successfulExchanges: number;
}

export interface IssueCodeInput {
  clientId: string;
  redirectUri: string;
  userId: string;
  scopes: readonly string[];
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

export type TokenExchangeResult =
  | { ok: true; body: AccessTokenResponse }
  | { ok: false; error: FacebookErrorResponse };

export interface ProfileRequest {
  accessToken?: string;
  appsecretProof?: string;
  /** Comma-separated Graph field list; default `id,name`. */
  fields?: string;
}

export type UserField =
  | 'id'
  | 'name'
  | 'first_name'
  | 'last_name'
  | 'middle_name'
  | 'short_name'
  | 'email';

export type GraphUserProfile = Partial<Record<UserField, string>>;

export type ProfileResult =
  | { ok: true; profile: GraphUserProfile; userId: string }
  | { ok: false; error: FacebookErrorResponse };

/** Something holding a socket open that must be torn down on reset/shutdown. */
export interface InFlightHandle {
  destroy(): void;
}

/** 'hang' handles are released by reset(); 'delay' ones only on shutdown. */
export type InFlightKind = 'hang' | 'delay';

interface CodeRecord {
  clientId: string;
  redirectUri: string;
  userId: string;
  scopes: readonly string[];
  codeChallenge?: string;
  codeChallengeMethod?: PkceMethod;
  expiresAt: number;
  used: boolean;
  tokenKeys: Set<string>;
}

interface TokenRecord {
  appId: string;
  userId: string;
  scopes: readonly string[];
  expiresAt: number;
}

const DEFAULT_FIELDS = 'id,name';

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
]);

// Codes expired for longer than this are forgotten (still answered as
// "invalid code"), so a long-running emulator does not grow without bound.
const CODE_RETENTION_AFTER_EXPIRY_MS = 60 * 60 * 1000;

const systemClock: EmulatorClock = { now: () => Date.now() };

/**
 * All emulator state: apps, users, one-time codes, tokens, knobs and stats.
 * Codes and tokens are stored only as sha256 hashes.
 */
@Injectable()
export class EmulatorStateService implements BeforeApplicationShutdown {
  private readonly options: ResolvedEmulatorOptions;
  private readonly clock: EmulatorClock;
  private readonly apps: ReadonlyMap<string, ResolvedEmulatorApp>;
  private readonly inFlight = new Map<InFlightHandle, InFlightKind>();
  private users = new Map<string, EmulatorUser>();
  private codes = new Map<string, CodeRecord>();
  private tokens = new Map<string, TokenRecord>();
  private config: EmulatorConfig;
  private faults: Record<GraphEndpoint, EmulatorFault[]> = {
    token: [],
    me: [],
  };
  private stats: EmulatorStats = emptyStats();

  constructor(
    @Inject(FACEBOOK_EMULATOR_OPTIONS) options: FacebookEmulatorOptions,
    @Optional() @Inject(EMULATOR_CLOCK) clock?: EmulatorClock,
  ) {
    this.options = resolveEmulatorOptions(options);
    this.clock = clock ?? systemClock;
    this.apps = new Map(this.options.apps.map((app) => [app.appId, app]));
    this.reset();
  }

  // --- apps -----------------------------------------------------------------

  getApp(appId: string | undefined): ResolvedEmulatorApp | undefined {
    return appId === undefined ? undefined : this.apps.get(appId);
  }

  isRedirectUriRegistered(
    appId: string,
    redirectUri: string | undefined,
  ): boolean {
    const app = this.apps.get(appId);
    return (
      redirectUri !== undefined && !!app?.redirectUris.includes(redirectUri)
    );
  }

  // --- users ----------------------------------------------------------------

  listUsers(): EmulatorUserView[] {
    return [...this.users.values()].map(toUserView);
  }

  getUser(id: string): EmulatorUserView | undefined {
    const user = this.users.get(id);
    return user && toUserView(user);
  }

  /** Creates or replaces a user; throws on invalid input. */
  upsertUser(user: EmulatorUser): EmulatorUserView {
    const { id: rawId, ...fields } = user;
    const id = emulatorUserIdSchema.safeParse(rawId);
    if (!id.success)
      throw new Error(`Invalid user id: ${describeZodError(id.error)}`);
    const parsed = emulatorUserFieldsSchema.safeParse(fields);
    if (!parsed.success)
      throw new Error(`Invalid user: ${describeZodError(parsed.error)}`);
    const stored: EmulatorUser = { id: id.data, ...parsed.data };
    this.users.set(stored.id, stored);
    return toUserView(stored);
  }

  /** Tokens of a deleted user stop working, as for a deleted account. */
  deleteUser(id: string): boolean {
    return this.users.delete(id);
  }

  // --- dialog → code --------------------------------------------------------

  /** Mints a one-time code; callers must have validated app and redirect URI. */
  issueCode(input: IssueCodeInput): string {
    if (!this.isRedirectUriRegistered(input.clientId, input.redirectUri)) {
      throw new Error(
        'issueCode: unknown client_id or unregistered redirect_uri',
      );
    }
    if (!this.users.has(input.userId))
      throw new Error('issueCode: unknown user');
    this.forgetStaleCodes();
    const code = newAuthorizationCode();
    this.codes.set(sha256Hex(code), {
      clientId: input.clientId,
      redirectUri: input.redirectUri,
      userId: input.userId,
      scopes: [...input.scopes],
      codeChallenge: input.codeChallenge,
      codeChallengeMethod: input.codeChallenge
        ? (input.codeChallengeMethod ?? 'plain')
        : undefined,
      expiresAt: this.clock.now() + this.options.codeTtlMs,
      used: false,
      tokenKeys: new Set(),
    });
    return code;
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
    const record = this.codes.get(sha256Hex(input.code));
    if (!record) return fail(FacebookErrors.invalidVerificationCode());

    // Past the client checks the code is spent, whatever happens next.
    if (record.used) {
      // Facebook treats a replayed code as a leak and revokes what it issued.
      for (const key of record.tokenKeys) this.tokens.delete(key);
      record.tokenKeys.clear();
      return fail(FacebookErrors.codeAlreadyUsed());
    }
    record.used = true;
    if (this.clock.now() >= record.expiresAt)
      return fail(FacebookErrors.codeExpired());
    if (input.redirectUri !== record.redirectUri) {
      return fail(FacebookErrors.redirectUriMismatch());
    }
    if (record.clientId !== app.appId)
      return fail(FacebookErrors.invalidVerificationCode());
    if (
      record.codeChallenge &&
      !verifyPkce(
        record.codeChallengeMethod ?? 'plain',
        record.codeChallenge,
        input.codeVerifier,
      )
    ) {
      return fail(FacebookErrors.invalidCodeVerifier());
    }

    const accessToken = newAccessToken();
    const tokenKey = sha256Hex(accessToken);
    this.tokens.set(tokenKey, {
      appId: app.appId,
      userId: record.userId,
      scopes: record.scopes,
      expiresAt: this.clock.now() + ACCESS_TOKEN_EXPIRES_IN_SECONDS * 1000,
    });
    record.tokenKeys.add(tokenKey);
    this.stats.successfulExchanges += 1;
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

  getProfile(request: ProfileRequest): ProfileResult {
    const token = request.accessToken;
    if (!token) return fail(FacebookErrors.noActiveAccessToken());
    const record = this.tokens.get(sha256Hex(token));
    if (!record) return fail(FacebookErrors.invalidAccessToken());
    if (this.clock.now() >= record.expiresAt)
      return fail(FacebookErrors.sessionExpired());
    const app = this.apps.get(record.appId);
    if (!app) return fail(FacebookErrors.invalidAccessToken());

    const proof = request.appsecretProof;
    if (!proof) {
      if (this.config.requireAppSecretProof) {
        return fail(FacebookErrors.appSecretProofRequired());
      }
    } else if (
      !safeEqual(
        proof.toLowerCase(),
        computeAppSecretProof(token, app.appSecret),
      )
    ) {
      return fail(FacebookErrors.invalidAppSecretProof());
    }

    const user = this.users.get(record.userId);
    if (!user) return fail(FacebookErrors.userNotAuthorized(app.appId));

    const requested = parseFields(request.fields);
    for (const field of requested) {
      if (!USER_FIELDS.has(field))
        return fail(FacebookErrors.nonexistingField(field));
    }
    // Facebook answers in the requested order and appends id when not asked.
    const profile: GraphUserProfile = {};
    for (const field of requested as UserField[]) {
      const value = fieldValue(user, field, record.scopes);
      if (value !== undefined) profile[field] = value;
    }
    if (profile.id === undefined) profile.id = user.id;
    return { ok: true, profile, userId: user.id };
  }

  // --- knobs ----------------------------------------------------------------

  getConfig(): EmulatorConfig {
    return structuredClone(this.config);
  }

  /** Applies the given keys (others unchanged); throws on invalid input. */
  configure(patch: EmulatorConfigPatch): EmulatorConfig {
    const parsed = configPatchSchema.safeParse(patch);
    if (!parsed.success) throw new Error(describeZodError(parsed.error));
    const { latency, failureRate, requireAppSecretProof } = parsed.data;
    if (latency !== undefined) this.config.latency = latency;
    if (failureRate !== undefined) this.config.failureRate = failureRate;
    if (requireAppSecretProof !== undefined) {
      this.config.requireAppSecretProof = requireAppSecretProof;
    }
    return this.getConfig();
  }

  /** Queues `times` one-shot faults for the next calls to the endpoint. */
  addFault(input: EmulatorFaultInput): Record<GraphEndpoint, EmulatorFault[]> {
    const parsed = faultInputSchema.safeParse(input);
    if (!parsed.success) throw new Error(describeZodError(parsed.error));
    const { endpoint, kind, times = 1, delayMs } = parsed.data;
    const fault: EmulatorFault =
      kind === 'status'
        ? { kind, status: parsed.data.status ?? 500 }
        : kind === 'spend-then-late'
          ? { kind, delayMs }
          : { kind };
    for (let i = 0; i < times; i += 1) this.faults[endpoint].push({ ...fault });
    return this.listFaults();
  }

  listFaults(): Record<GraphEndpoint, EmulatorFault[]> {
    return structuredClone(this.faults);
  }

  takeFault(endpoint: GraphEndpoint): EmulatorFault | undefined {
    return this.faults[endpoint].shift();
  }

  sampleLatencyMs(): number {
    return sampleLatencyMs(this.config.latency);
  }

  shouldInjectFailure(random: () => number = Math.random): boolean {
    return this.config.failureRate > 0 && random() < this.config.failureRate;
  }

  // --- stats ----------------------------------------------------------------

  /** Counts a token request (faulted ones included) before anything else. */
  recordTokenCall(code: string | undefined): void {
    this.stats.tokenCalls += 1;
    if (code) {
      const key = sha256Hex(code);
      this.stats.exchangesByCode[key] =
        (this.stats.exchangesByCode[key] ?? 0) + 1;
    }
  }

  recordMeCall(): void {
    this.stats.meCalls += 1;
  }

  getStats(): EmulatorStats {
    return structuredClone(this.stats);
  }

  /** Back to boot state: boot users, no codes/tokens/faults/latency, zero stats. */
  reset(): void {
    this.users = new Map(
      this.options.users.map((user) => [user.id, { ...user }]),
    );
    this.codes = new Map();
    this.tokens = new Map();
    this.config = {
      latency: null,
      failureRate: 0,
      requireAppSecretProof: this.options.requireAppSecretProof,
    };
    this.faults = { token: [], me: [] };
    this.stats = emptyStats();
    this.releaseInFlight('hang');
  }

  // --- sockets held open by faults and latency ------------------------------

  /** Returns the function to call once the response ended on its own. */
  trackInFlight(handle: InFlightHandle, kind: InFlightKind): () => void {
    this.inFlight.set(handle, kind);
    return () => {
      this.inFlight.delete(handle);
    };
  }

  inFlightCount(): number {
    return this.inFlight.size;
  }

  beforeApplicationShutdown(): void {
    // Otherwise a hanging response would keep server.close() waiting forever.
    this.releaseInFlight();
  }

  private releaseInFlight(only?: InFlightKind): void {
    for (const [handle, kind] of [...this.inFlight]) {
      if (only && kind !== only) continue;
      this.inFlight.delete(handle);
      handle.destroy();
    }
  }

  private forgetStaleCodes(): void {
    const cutoff = this.clock.now() - CODE_RETENTION_AFTER_EXPIRY_MS;
    for (const [key, record] of this.codes) {
      if (record.expiresAt < cutoff) this.codes.delete(key);
    }
  }
}

function emptyStats(): EmulatorStats {
  return {
    tokenCalls: 0,
    meCalls: 0,
    exchangesByCode: {},
    successfulExchanges: 0,
  };
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

function fieldValue(
  user: EmulatorUser,
  field: UserField,
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
