import { z } from 'zod';
import { readEnv, readPublicUrl, urlList, type EmulatorEnv } from '../env-reading';
import { issuerSchema, originSchema, type GoogleEmulatorOptions } from './google-emulator.options';

/** Shaped like a real one (`<number>-<id>.apps.googleusercontent.com`), to exercise clients. */
export const DEFAULT_EMULATOR_GOOGLE_CLIENT_ID = '123456789012-emulator.apps.googleusercontent.com';
export const DEFAULT_EMULATOR_GOOGLE_CLIENT_SECRET = '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e-me';

/**
 * GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET (the same variables the API reads),
 * EMULATOR_GOOGLE_REDIRECT_URIS (comma list, default
 * `${PUBLIC_URL}/auth/google/callback`), EMULATOR_GOOGLE_ISSUER (default:
 * the origin each request arrived at + /google) and EMULATOR_PUBLIC_URL (the
 * emulator's origin for browsers, default: the issuer's origin).
 */
export function loadGoogleEmulatorOptionsFromEnv(env: EmulatorEnv): GoogleEmulatorOptions {
  const clientId = readEnv(env, 'GOOGLE_CLIENT_ID', z.string().min(1)) ?? DEFAULT_EMULATOR_GOOGLE_CLIENT_ID;
  const clientSecret = readEnv(env, 'GOOGLE_CLIENT_SECRET', z.string().min(1)) ?? DEFAULT_EMULATOR_GOOGLE_CLIENT_SECRET;
  const redirectUris = readEnv(env, 'EMULATOR_GOOGLE_REDIRECT_URIS', urlList) ?? [
    `${readPublicUrl(env)}/auth/google/callback`,
  ];
  const issuer = readEnv(env, 'EMULATOR_GOOGLE_ISSUER', issuerSchema);
  const publicUrl = readEnv(env, 'EMULATOR_PUBLIC_URL', originSchema);
  return {
    clients: [{ clientId, clientSecret, redirectUris }],
    ...(issuer ? { issuer } : {}),
    ...(publicUrl ? { publicUrl } : {}),
  };
}
