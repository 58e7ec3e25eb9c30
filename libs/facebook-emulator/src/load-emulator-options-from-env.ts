import { z } from 'zod';
import { booleanFlag, readEnv, readPublicUrl, urlList, type EmulatorEnv } from './env-reading';
import type { FacebookEmulatorOptions } from './facebook-emulator.options';
import { originSchema } from './google/google-emulator.options';
import { loadGoogleEmulatorOptionsFromEnv } from './google/load-google-emulator-options-from-env';

export type { EmulatorEnv };

export const DEFAULT_EMULATOR_APP_ID = '1234567890123456';
export const DEFAULT_EMULATOR_APP_SECRET = 'emulator-app-secret-change-me';
export const DEFAULT_EMULATOR_PORT = 3001;
export const DEFAULT_EMULATOR_HOST = '127.0.0.1';

/**
 * FACEBOOK_APP_ID, FACEBOOK_APP_SECRET, EMULATOR_REDIRECT_URIS (comma list,
 * default `${PUBLIC_URL}/auth/facebook/callback`), EMULATOR_REQUIRE_APPSECRET_PROOF,
 * EMULATOR_PUBLIC_URL (the emulator's origin for browsers, where /me's
 * pictures point; default: the origin each /me request arrived at, shared
 * with the Google side); the Google side's variables: see
 * loadGoogleEmulatorOptionsFromEnv.
 */
export function loadEmulatorOptionsFromEnv(env: EmulatorEnv): FacebookEmulatorOptions {
  const appId =
    readEnv(env, 'FACEBOOK_APP_ID', z.string().regex(/^\d+$/, 'must be a numeric app id')) ?? DEFAULT_EMULATOR_APP_ID;
  const appSecret = readEnv(env, 'FACEBOOK_APP_SECRET', z.string().min(1)) ?? DEFAULT_EMULATOR_APP_SECRET;
  const publicUrl = readPublicUrl(env);
  const redirectUris = readEnv(env, 'EMULATOR_REDIRECT_URIS', urlList) ?? [`${publicUrl}/auth/facebook/callback`];
  const requireAppSecretProof = readEnv(env, 'EMULATOR_REQUIRE_APPSECRET_PROOF', booleanFlag) ?? true;
  const browserOrigin = readEnv(env, 'EMULATOR_PUBLIC_URL', originSchema);

  return {
    apps: [{ appId, appSecret, redirectUris }],
    requireAppSecretProof,
    ...(browserOrigin ? { publicUrl: browserOrigin } : {}),
    google: loadGoogleEmulatorOptionsFromEnv(env),
  };
}

/** EMULATOR_HOST (default 127.0.0.1) and EMULATOR_PORT (default 3001). */
export function loadEmulatorListenOptionsFromEnv(env: EmulatorEnv): {
  host: string;
  port: number;
} {
  const port =
    readEnv(
      env,
      'EMULATOR_PORT',
      z
        .string()
        .regex(/^\d+$/, 'must be a port number')
        .transform(Number)
        .pipe(z.number().int().min(0).max(65535, 'must be a port number')),
    ) ?? DEFAULT_EMULATOR_PORT;
  const host = readEnv(env, 'EMULATOR_HOST', z.string().min(1)) ?? DEFAULT_EMULATOR_HOST;
  return { host, port };
}
