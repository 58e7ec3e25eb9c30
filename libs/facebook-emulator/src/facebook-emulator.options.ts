import { z } from 'zod';
import { DEFAULT_TEST_USERS } from './default-test-users';
import { emulatorUserSchema, type EmulatorUser } from './emulator-user';
import { DEFAULT_CODE_TTL_MS, EMULATOR_CLOCK, type EmulatorClock } from './emulator.constants';
import {
  originSchema,
  resolveGoogleEmulatorOptions,
  type GoogleEmulatorOptions,
  type ResolvedGoogleEmulatorOptions,
} from './google/google-emulator.options';
import { describeOptionsError, httpUrlSchema } from './http-url';

export { DEFAULT_CODE_TTL_MS, EMULATOR_CLOCK, type EmulatorClock };

export interface EmulatorAppConfig {
  appId: string;
  appSecret: string;
  /** Compared exactly (Facebook's "strict mode" for redirect URIs). */
  redirectUris: string[];
  /** Shown on the consent page; defaults to `App <appId>`. */
  name?: string;
}

export interface FacebookEmulatorOptions {
  apps: EmulatorAppConfig[];
  /** Default true, like apps with "Require App Secret" switched on. */
  requireAppSecretProof?: boolean;
  /** Lifetime of authorization codes; default 10 minutes. */
  codeTtlMs?: number;
  /** Default: DEFAULT_TEST_USERS. */
  users?: readonly EmulatorUser[];
  /**
   * The emulator's origin as the browser reaches it (e.g. http://localhost:3001),
   * for the picture URLs /me answers: the worker asks /me at a server-facing
   * address (127.0.0.1) but the browser loads the pictures. Default: the
   * origin each /me request arrived at.
   */
  publicUrl?: string;
  /** The Google side (everything under /google); absent: not served. */
  google?: GoogleEmulatorOptions;
}

export interface ResolvedEmulatorApp {
  appId: string;
  appSecret: string;
  redirectUris: readonly string[];
  name: string;
}

export interface ResolvedEmulatorOptions {
  apps: readonly ResolvedEmulatorApp[];
  requireAppSecretProof: boolean;
  codeTtlMs: number;
  users: readonly EmulatorUser[];
  /** Origin only (no trailing slash); the same name as the option, so resolving twice keeps it. */
  publicUrl?: string;
  google?: ResolvedGoogleEmulatorOptions;
}

export const FACEBOOK_EMULATOR_OPTIONS = Symbol('FACEBOOK_EMULATOR_OPTIONS');

/** What Facebook answers for a fresh long-lived user token (~60 days). */
export const ACCESS_TOKEN_EXPIRES_IN_SECONDS = 5183944;

const optionsSchema = z.object({
  apps: z
    .array(
      z.object({
        appId: z.string().regex(/^\d+$/, 'must be numeric'),
        appSecret: z.string().min(1),
        redirectUris: z.array(httpUrlSchema).min(1),
        name: z.string().min(1).optional(),
      }),
    )
    .min(1),
  requireAppSecretProof: z.boolean().optional(),
  codeTtlMs: z.number().int().positive().optional(),
  users: z.array(emulatorUserSchema).optional(),
  publicUrl: originSchema.optional(),
});

export function resolveEmulatorOptions(options: FacebookEmulatorOptions): ResolvedEmulatorOptions {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new Error(`Invalid Facebook emulator options: ${describeOptionsError(parsed.error)}`);
  }
  const value = parsed.data;
  const userIds = new Set<string>();
  for (const user of value.users ?? []) {
    if (userIds.has(user.id)) {
      throw new Error(`Invalid Facebook emulator options: duplicate user id ${user.id}`);
    }
    userIds.add(user.id);
  }
  return {
    apps: value.apps.map((app) => ({
      appId: app.appId,
      appSecret: app.appSecret,
      redirectUris: [...app.redirectUris],
      name: app.name ?? `App ${app.appId}`,
    })),
    requireAppSecretProof: value.requireAppSecretProof ?? true,
    codeTtlMs: value.codeTtlMs ?? DEFAULT_CODE_TTL_MS,
    users: (value.users ?? DEFAULT_TEST_USERS).map((user) => ({ ...user })),
    ...(value.publicUrl ? { publicUrl: value.publicUrl } : {}),
    ...(options.google ? { google: resolveGoogleEmulatorOptions(options.google) } : {}),
  };
}
