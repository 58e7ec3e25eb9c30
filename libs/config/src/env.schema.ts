import { isIP } from 'node:net';
import { z } from 'zod';

/** A current Graph API version (Facebook keeps each for about two years). */
export const DEFAULT_FACEBOOK_GRAPH_VERSION = 'v25.0';

const port = z.coerce.number().int().min(0).max(65535);
const positiveMs = z.coerce.number().int().positive();
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Express's `trust proxy` setting, from text. */
const trustProxy = z
  .string()
  .regex(
    /^(true|false|\d+|[0-9a-fA-F.:/,\s]+|loopback|linklocal|uniquelocal)$/,
    'true, false, a hop count or trusted addresses',
  )
  .transform((v): boolean | number | string =>
    v === 'true' ? true : v === 'false' ? false : /^\d+$/.test(v) ? Number(v) : v,
  );

/** An http(s) URL without a trailing slash, so paths can be appended to it. */
const baseUrl = z
  .string()
  .url()
  .refine((v) => /^https?:\/\//.test(v), 'must be an http(s) URL')
  .transform((v) => v.replace(/\/+$/, ''));

/**
 * A Facebook origin (scheme, host, port) with no path, query or fragment: the
 * version is FACEBOOK_GRAPH_VERSION's alone, and paths are appended to it.
 */
const facebookHostUrl = baseUrl.refine((v) => {
  const url = new URL(v);
  return url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
}, 'the origin only (such as https://graph.facebook.com), without a version or path: set the version in FACEBOOK_GRAPH_VERSION');

/** A setting that is no longer read: naming it at boot beats silently ignoring it. */
const removedSetting = (instead: string) =>
  z
    .unknown()
    .refine((v) => v === undefined, `no longer read: ${instead}`)
    .optional();

const mysqlUrl = z
  .string()
  .url()
  .refine(
    (v) => /^(mysql|mariadb):\/\/[^/]+\/[A-Za-z0-9_$]+(\?.*)?$/.test(v),
    'must look like mysql://user:password@host:3306/database',
  );

const redisUrl = z
  .string()
  .url()
  .refine((v) => /^rediss?:\/\/[^/]+(\/\d+)?\/?$/.test(v), 'must look like redis://host:6379 or redis://host:6379/2');

/**
 * Where a process writes its JSON logs: `stdout` (default), `stderr`, `off`,
 * or an absolute file path (appended to; tests read a whole run's logs there).
 */
const logDestination = z
  .string()
  .refine(
    (v) => v === 'stdout' || v === 'stderr' || v === 'off' || v.startsWith('/'),
    'stdout, stderr, off or an absolute file path',
  );

/** Logging, shared by every process including the Facebook emulator. */
export const loggingEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'log', 'debug', 'verbose']).default('log'),
  LOG_DESTINATION: logDestination.default('stdout'),
});

/** Settings every process (API and worker) needs. */
export const baseEnvSchema = loggingEnvSchema.extend({
  PUBLIC_URL: baseUrl.default('http://localhost:3000'),
  DATABASE_URL: mysqlUrl.default('mysql://root@127.0.0.1:3306/facebook_login'),
  REDIS_URL: redisUrl.default('redis://127.0.0.1:6379/0'),
  /** Namespaces every Redis key and channel, so several installs (or test runs) can share one Redis. */
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,40}$/, 'letters, digits, _ . - only')
    .default('afl'),
  FACEBOOK_APP_ID: z.string().regex(/^\d{1,32}$/, 'must be the numeric app id'),
  FACEBOOK_APP_SECRET: z.string().min(8, 'must be the app secret'),
  /** Facebook's web host (the OAuth dialog); the browser is sent there. */
  FACEBOOK_WEB_URL: facebookHostUrl.default('https://www.facebook.com'),
  /** Graph's host; the worker calls it (token exchange, /me, /me/permissions). */
  FACEBOOK_GRAPH_URL: facebookHostUrl.default('https://graph.facebook.com'),
  /** The one Graph API version, for the dialog and every Graph call (see facebookEndpoints). */
  FACEBOOK_GRAPH_VERSION: z
    .string()
    .regex(/^v\d{1,3}\.\d{1,2}$/, 'a Graph API version such as v25.0')
    .default(DEFAULT_FACEBOOK_GRAPH_VERSION),
  FACEBOOK_DIALOG_URL: removedSetting('set FACEBOOK_WEB_URL (host) and FACEBOOK_GRAPH_VERSION'),
  /** Timeout of one HTTP call to Facebook. */
  FACEBOOK_TIMEOUT_MS: positiveMs.default(5000),
  /**
   * Google (OpenID Connect), the second provider: on when GOOGLE_CLIENT_ID is
   * set, and then the secret is required too. The issuer's
   * /.well-known/openid-configuration names every other endpoint.
   */
  GOOGLE_ISSUER: baseUrl.default('https://accounts.google.com'),
  GOOGLE_CLIENT_ID: z.string().min(1).max(256).optional(),
  GOOGLE_CLIENT_SECRET: z.string().min(8, 'must be the client secret').optional(),
  /** Timeout of one HTTP call to Google (discovery, token, JWKS). */
  GOOGLE_TIMEOUT_MS: positiveMs.default(5000),
  /** How long a login attempt may stay pending before it ends as error/timeout. */
  LOGIN_DEADLINE_MS: positiveMs.default(60000),
  /**
   * Absolute timeout: a session ends this long after it began, however busy.
   * In the base schema because the worker signs sessions in (and keeps the
   * user's session set that long).
   */
  SESSION_ABSOLUTE_TIMEOUT_MS: positiveMs.default(24 * 60 * 60 * 1000),
  /** Tries of the code exchange for transient failures (network, timeout, 5xx, throttling). */
  EXCHANGE_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(6),
  /** First retry delay; later ones double, with jitter. */
  EXCHANGE_BACKOFF_MS: positiveMs.default(500),
  /** Serve Prometheus metrics (API: GET /metrics; worker: on WORKER_HEALTH_PORT). */
  METRICS_ENABLED: bool.default(true),
  /** When set, /metrics answers only `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
});

export const apiEnvSchema = baseEnvSchema
  .extend({
    PORT: port.default(3000),
    /** Interface to listen on; unset means all interfaces. */
    HOST: z.string().min(1).optional(),
    SESSION_SECRET: z.string().min(32, 'must be at least 32 characters of random text'),
    /** Idle timeout: the session ends after this long without a request. */
    SESSION_IDLE_TIMEOUT_MS: positiveMs.default(2 * 60 * 60 * 1000),
    /**
     * Whether to believe X-Forwarded-For / -Proto: `false` (default), `true`, a
     * number of proxy hops, or Express's list of trusted addresses/subnets.
     */
    TRUST_PROXY: trustProxy.default(false),
    /** Requests per client address and window on /auth/* and /api/auth/*. */
    RATE_LIMIT_MAX: z.coerce.number().int().positive().default(60),
    RATE_LIMIT_WINDOW_MS: positiveMs.default(60 * 1000),
    /**
     * Open status streams of one attempt per API process (the stream is not
     * counted by the rate limit; this bounds what one session can hold open).
     */
    STREAMS_PER_ATTEMPT_MAX: z.coerce.number().int().positive().default(8),
    /** Serve client/dist (the built SPA) from the API. */
    SERVE_CLIENT: bool.default(true),
    /**
     * HTTP basic credentials of /admin/queues and /admin/operations. Both set
     * turns the admin routes on; either unset keeps them off (404).
     */
    ADMIN_USER: z
      .string()
      .regex(/^[^:\s]{1,64}$/, '1-64 characters, no colon or space')
      .optional(),
    ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').max(256).optional(),
  })
  .superRefine((env, ctx) => {
    // Half a pair is a mistake, not "off": say so instead of silently keeping the admin routes closed.
    if (Boolean(env.ADMIN_USER) !== Boolean(env.ADMIN_PASSWORD)) {
      const missing = env.ADMIN_USER ? 'ADMIN_PASSWORD' : 'ADMIN_USER';
      ctx.addIssue({
        code: 'custom',
        path: [missing],
        message: 'set ADMIN_USER and ADMIN_PASSWORD together, or neither',
      });
    }
  });

export const workerEnvSchema = baseEnvSchema.extend({
  /** Port of the worker's own HTTP server (/health/live, /health/ready, /metrics); 0 picks a free one. */
  WORKER_HEALTH_PORT: port.default(3002),
  /** Interface of that server: loopback unless probes or a scraper elsewhere need it (0.0.0.0, ::, an address). */
  WORKER_HEALTH_HOST: z
    .string()
    .refine(
      (v) =>
        isIP(v) !== 0 ||
        /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/.test(
          v,
        ),
      'an IP address or host name, such as 127.0.0.1 or 0.0.0.0',
    )
    .default('127.0.0.1'),
  /**
   * The most exchanges one worker process holds at once (Bull hands it up to
   * this many jobs). They mostly wait on Facebook, so this is a ceiling, not a
   * target: how many actually run is decided by EXCHANGE_MAX_LOOP_DELAY_MS.
   */
  EXCHANGE_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(500),
  /**
   * While the worker's event loop runs later than this (or its heap is past
   * 85 % of its limit), new exchanges wait, holding their job, before they call
   * Facebook; at least 32 (or EXCHANGE_CONCURRENCY) always run.
   */
  EXCHANGE_MAX_LOOP_DELAY_MS: z.coerce.number().int().min(1).max(10000).default(100),
  /** Login attempts older than this are deleted by the worker's hourly pruner. */
  OPERATION_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
});

export type BaseEnv = z.infer<typeof baseEnvSchema>;
export type ApiEnv = z.infer<typeof apiEnvSchema>;
export type WorkerEnv = z.infer<typeof workerEnvSchema>;
export type LoggingEnv = z.infer<typeof loggingEnvSchema>;
