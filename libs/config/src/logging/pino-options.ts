import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import pino, { type DestinationStream, type Level, type LevelWithSilent } from 'pino';
import type { Options } from 'pino-http';
import pretty from 'pino-pretty';
import type { LoggingEnv } from '../env.schema';
import { loggableUrl, REDACT_PATHS, REDACTED } from './log-redaction';
import { operationLogMixin } from './operation-log-context';

/** Nest's level names → pino's. */
const PINO_LEVELS: Record<LoggingEnv['LOG_LEVEL'], Level> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

/** An incoming id we echo and log as is: short, and nothing that could forge a log line. */
const REQUEST_ID = /^[A-Za-z0-9._:@-]{1,64}$/;

/** Probes and scrapes every few seconds would drown the story: their requests are not logged. */
const UNLOGGED_PATHS = /^\/(health\/(live|ready)|metrics)\/?(\?|$)/;

const LOGGED_REQUEST_HEADERS = [
  'host',
  'user-agent',
  'content-type',
  'content-length',
  'x-forwarded-for',
  'x-forwarded-proto',
];
const LOGGED_RESPONSE_HEADERS = ['content-type', 'content-length', 'x-request-id'];

export interface PinoSettings {
  /** `service` field of every line: api, worker, facebook-emulator. */
  service: string;
  /** Paths whose query is never logged (the OAuth callback). */
  queryFreePaths?: readonly string[];
  /** Extra fields for a request's completion line, read when it ends (undefined: none). */
  customProps?: (req: IncomingMessage, res: ServerResponse) => Record<string, unknown> | undefined;
}

type SerializedRequest = {
  id?: unknown;
  method?: string;
  url?: string;
  originalUrl?: string;
  headers?: Record<string, unknown>;
  remoteAddress?: string;
};
type SerializedResponse = {
  statusCode?: number;
  headers?: Record<string, unknown>;
};

function pick(source: Record<string, unknown> | undefined, keys: string[]): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const key of keys) if (source?.[key] !== undefined) picked[key] = source[key];
  return picked;
}

/** Honours a well-formed incoming `x-request-id` (a proxy's), else makes one; echoes it back. */
export function requestId(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('x-request-id', id);
  return id;
}

/**
 * Where the lines go (LOG_DESTINATION), pretty-printed in development on a
 * terminal stream. Synchronous, so the last lines before a crash are written.
 */
export function createLogDestination(env: LoggingEnv): DestinationStream {
  const { LOG_DESTINATION: destination } = env;
  if (destination === 'off') return { write: () => undefined };
  if (destination === 'stdout' || destination === 'stderr') {
    const fd = destination === 'stdout' ? 1 : 2;
    if (env.NODE_ENV === 'development') {
      return pretty({
        destination: fd,
        sync: true,
        colorize: Boolean((destination === 'stdout' ? process.stdout : process.stderr).isTTY),
        singleLine: true,
        translateTime: 'SYS:HH:MM:ss.l',
        ignore: 'pid,hostname,service,context,req,res,responseTime',
        messageFormat: '{if context}[{context}] {end}{msg}',
      });
    }
    return pino.destination({ dest: fd, sync: true });
  }
  return pino.destination({
    dest: destination,
    sync: true,
    mkdir: true,
    append: true,
  });
}

/**
 * pino and pino-http settings of one process: JSON lines with a service name,
 * a request id, the operation id where there is one, and secrets redacted by
 * configuration (REDACT_PATHS, whitelisted headers, URLs without secret
 * query values).
 */
export function pinoHttpOptions(env: LoggingEnv, settings: PinoSettings): Options {
  const queryFreePaths = settings.queryFreePaths ?? [];
  const level: LevelWithSilent = env.LOG_DESTINATION === 'off' ? 'silent' : PINO_LEVELS[env.LOG_LEVEL];
  const urlOf = (req: IncomingMessage) =>
    loggableUrl((req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url, queryFreePaths);
  return {
    level,
    base: { service: settings.service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    mixin: operationLogMixin,
    genReqId: requestId,
    // App lines inside a request carry its reqId; the completion line carries the request itself.
    quietReqLogger: true,
    // pino-http's type says `object`, but its code skips a falsy answer (no child logger then).
    customProps: settings.customProps as Options['customProps'],
    autoLogging: { ignore: (req) => UNLOGGED_PATHS.test(req.url ?? '') },
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
    customSuccessMessage: (req, res, ms) => `${req.method} ${urlOf(req)} ${res.statusCode} ${ms}ms`,
    customErrorMessage: (req, res, error) => `${req.method} ${urlOf(req)} ${res.statusCode}: ${error.message}`,
    serializers: {
      req: (req: SerializedRequest) => ({
        id: req.id,
        method: req.method,
        url: loggableUrl(req.originalUrl ?? req.url, queryFreePaths),
        remoteAddress: req.remoteAddress,
        headers: pick(req.headers, LOGGED_REQUEST_HEADERS),
      }),
      res: (res: SerializedResponse) => ({
        statusCode: res.statusCode,
        headers: pick(res.headers, LOGGED_RESPONSE_HEADERS),
      }),
      err: pino.stdSerializers.err,
    },
  };
}
