import { QueryFailedError } from 'typeorm';

/** Socket-level failures: the dependency is away, not the request wrong. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
]);

/** MySQL errors that mean "try again later": lost connection, deadlock, lock wait, read-only. */
const TRANSIENT_MYSQL_ERRNOS = new Set([1053, 1205, 1213, 1290, 2002, 2003, 2006, 2013]);

/**
 * Whether an error means MySQL or Redis is (briefly) unavailable, as opposed
 * to a bug or bad input: such errors are answered 503 and retried, never
 * turned into a final answer.
 */
export function isDependencyUnavailable(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const { code, errno, name, message } = error as {
    code?: unknown;
    errno?: unknown;
    name?: unknown;
    message?: unknown;
  };
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  if (typeof errno === 'number' && TRANSIENT_MYSQL_ERRNOS.has(errno)) return true;
  if (error instanceof QueryFailedError) return isDependencyUnavailable(error.driverError);
  // ioredis: offline queue disabled, retries exhausted, or the socket closed under a command.
  if (name === 'MaxRetriesPerRequestError') return true;
  if (typeof message === 'string') {
    return /Connection is closed|Stream isn't writeable|enableOfflineQueue|connect ECONNREFUSED|Pool is closed|Connection lost/i.test(
      message,
    );
  }
  return false;
}
