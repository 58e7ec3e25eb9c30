import { z } from 'zod';
import { DEFAULT_CODE_TTL_MS } from '../emulator.constants';
import { describeOptionsError, httpUrlSchema } from '../http-url';
import { DEFAULT_GOOGLE_TEST_USERS } from './default-google-test-users';
import { GOOGLE_PATH_PREFIX } from './google-emulator.constants';
import { googleUserSchema, type GoogleEmulatorUser } from './google-emulator-user';

export interface GoogleEmulatorClientConfig {
  clientId: string;
  clientSecret: string;
  /** Compared exactly, like the Google Cloud console's authorized redirect URIs. */
  redirectUris: string[];
  /** Shown on the account chooser; defaults to `App <clientId>`. */
  name?: string;
}

export interface GoogleEmulatorOptions {
  clients: GoogleEmulatorClientConfig[];
  /**
   * The issuer named by discovery and by every id_token's `iss`, as the
   * server-side client reaches the emulator (e.g. http://127.0.0.1:3001/google);
   * its path must be /google. Default: the origin each request arrived at
   * plus /google, which OpenID discovery's rule (issuer = the URL discovery
   * was fetched from) always satisfies.
   */
  issuer?: string;
  /**
   * The emulator's origin as the browser reaches it, for
   * `authorization_endpoint` (e.g. http://localhost:3001). Default: the
   * issuer's origin.
   */
  publicUrl?: string;
  /** Lifetime of authorization codes; default 10 minutes. */
  codeTtlMs?: number;
  /** Default: DEFAULT_GOOGLE_TEST_USERS. */
  users?: readonly GoogleEmulatorUser[];
}

export interface ResolvedGoogleClient {
  clientId: string;
  clientSecret: string;
  redirectUris: readonly string[];
  name: string;
}

export interface ResolvedGoogleEmulatorOptions {
  clients: readonly ResolvedGoogleClient[];
  /** No trailing slash. */
  issuer?: string;
  /** Origin only. */
  publicOrigin?: string;
  codeTtlMs: number;
  users: readonly GoogleEmulatorUser[];
}

export const GOOGLE_EMULATOR_OPTIONS = Symbol('GOOGLE_EMULATOR_OPTIONS');

export const issuerSchema = httpUrlSchema
  .transform((value) => new URL(value))
  .refine(
    (url) => url.pathname.replace(/\/+$/, '') === GOOGLE_PATH_PREFIX && !url.search && !url.hash,
    `must be an origin followed by ${GOOGLE_PATH_PREFIX} (the Google side's routes), with no query`,
  )
  .transform((url) => `${url.origin}${GOOGLE_PATH_PREFIX}`);

export const originSchema = httpUrlSchema
  .transform((value) => new URL(value))
  .refine((url) => url.pathname === '/' && !url.search && !url.hash, 'must be an origin (scheme, host and port) only')
  .transform((url) => url.origin);

// Printable ASCII without spaces: it travels in URLs, forms and Basic auth.
const clientIdSchema = z.string().regex(/^[\x21-\x7e]{1,256}$/, 'must be 1-256 printable ASCII characters');

const optionsSchema = z.object({
  clients: z
    .array(
      z.object({
        clientId: clientIdSchema,
        clientSecret: z.string().min(1),
        redirectUris: z.array(httpUrlSchema).min(1),
        name: z.string().min(1).optional(),
      }),
    )
    .min(1),
  issuer: issuerSchema.optional(),
  publicUrl: originSchema.optional(),
  codeTtlMs: z.number().int().positive().optional(),
  users: z.array(googleUserSchema).optional(),
});

export function resolveGoogleEmulatorOptions(options: GoogleEmulatorOptions): ResolvedGoogleEmulatorOptions {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new Error(`Invalid Google emulator options: ${describeOptionsError(parsed.error)}`);
  }
  const value = parsed.data;
  for (const [label, ids] of [
    ['client id', value.clients.map((client) => client.clientId)],
    ['user sub', (value.users ?? []).map((user) => user.sub)],
  ] as const) {
    const duplicate = ids.find((id, index) => ids.indexOf(id) !== index);
    if (duplicate !== undefined) {
      throw new Error(`Invalid Google emulator options: duplicate ${label} ${duplicate}`);
    }
  }
  return {
    clients: value.clients.map((client) => ({
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      redirectUris: [...client.redirectUris],
      name: client.name ?? `App ${client.clientId}`,
    })),
    ...(value.issuer ? { issuer: value.issuer } : {}),
    ...(value.publicUrl ? { publicOrigin: value.publicUrl } : {}),
    codeTtlMs: value.codeTtlMs ?? DEFAULT_CODE_TTL_MS,
    users: (value.users ?? DEFAULT_GOOGLE_TEST_USERS).map((user) => ({
      ...user,
    })),
  };
}
