import { z } from 'zod';
import type { FacebookEmulatorOptions } from './facebook-emulator.options';

export const DEFAULT_EMULATOR_APP_ID = '1234567890123456';
export const DEFAULT_EMULATOR_APP_SECRET = 'emulator-app-secret-change-me';
export const DEFAULT_EMULATOR_PORT = 3001;
export const DEFAULT_EMULATOR_HOST = '127.0.0.1';

export type EmulatorEnv = Record<string, string | undefined>;

const httpUrl = z.string().refine((value) => {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}, 'must be an absolute http(s) URL');

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], {
    error: 'must be true or false',
  })
  .transform((value) => ['true', '1', 'yes', 'on'].includes(value));

/** Parses one variable; empty counts as unset. Errors name the variable. */
function read<T>(
  env: EmulatorEnv,
  name: string,
  schema: z.ZodType<T>,
): T | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return undefined;
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const detail = parsed.error.issues.map((issue) => issue.message).join('; ');
  throw new Error(`Invalid environment variable ${name}: ${detail}`);
}

/**
 * FACEBOOK_APP_ID, FACEBOOK_APP_SECRET, EMULATOR_REDIRECT_URIS (comma list,
 * default `${PUBLIC_URL}/auth/facebook/callback`), EMULATOR_REQUIRE_APPSECRET_PROOF.
 */
export function loadEmulatorOptionsFromEnv(
  env: EmulatorEnv,
): FacebookEmulatorOptions {
  const appId =
    read(
      env,
      'FACEBOOK_APP_ID',
      z.string().regex(/^\d+$/, 'must be a numeric app id'),
    ) ?? DEFAULT_EMULATOR_APP_ID;
  const appSecret =
    read(env, 'FACEBOOK_APP_SECRET', z.string().min(1)) ??
    DEFAULT_EMULATOR_APP_SECRET;
  const publicUrl = (
    read(env, 'PUBLIC_URL', httpUrl) ?? 'http://localhost:3000'
  ).replace(/\/+$/, '');
  const redirectUris = read(
    env,
    'EMULATOR_REDIRECT_URIS',
    z
      .string()
      .transform((value) =>
        value
          .split(',')
          .map((uri) => uri.trim())
          .filter((uri) => uri.length > 0),
      )
      .pipe(z.array(httpUrl).min(1, 'must list at least one URI')),
  ) ?? [`${publicUrl}/auth/facebook/callback`];
  const requireAppSecretProof =
    read(env, 'EMULATOR_REQUIRE_APPSECRET_PROOF', booleanFlag) ?? true;

  return { apps: [{ appId, appSecret, redirectUris }], requireAppSecretProof };
}

/** EMULATOR_HOST (default 127.0.0.1) and EMULATOR_PORT (default 3001). */
export function loadEmulatorListenOptionsFromEnv(env: EmulatorEnv): {
  host: string;
  port: number;
} {
  const port =
    read(
      env,
      'EMULATOR_PORT',
      z
        .string()
        .regex(/^\d+$/, 'must be a port number')
        .transform(Number)
        .pipe(z.number().int().min(0).max(65535, 'must be a port number')),
    ) ?? DEFAULT_EMULATOR_PORT;
  const host =
    read(env, 'EMULATOR_HOST', z.string().min(1)) ?? DEFAULT_EMULATOR_HOST;
  return { host, port };
}
