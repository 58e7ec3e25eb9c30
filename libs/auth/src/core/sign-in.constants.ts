/**
 * The Bull queue that carries code exchanges of every provider from the API
 * to the workers (each job names its provider).
 */
export const EXCHANGE_QUEUE = 'exchange';
export const EXCHANGE_JOB = 'exchange';

/** Where a provider's browser routes live: `/auth/<provider id>` and `/auth/<provider id>/callback`. */
export const providerStartPath = (provider: string) => `/auth/${provider}`;
export const providerCallbackPath = (provider: string) => `/auth/${provider}/callback`;

/**
 * Bull's lock on a running exchange job: it lapses this long after the last
 * renewal, and another worker may then take the job over.
 */
export const JOB_LOCK_DURATION_MS = 8000;

/** How long the state of one authorization request stays valid. */
export const AUTHORIZATION_TTL_MS = 10 * 60 * 1000;

/** How long the callback waits for Redis to take a job before it gives up (the callback must answer within a second). */
export const ENQUEUE_TIMEOUT_MS = 700;

/** Local event after each run of the exchange in the worker (metrics listen). */
export const EXCHANGE_RUN_EVENT = 'exchange.run';

export interface ExchangeRunEvent {
  operationId: string;
  /** done: the run ended the operation (ok or error); retry: it threw, and Bull retries. */
  outcome: 'done' | 'retry';
  /** The run itself, from its admission. */
  seconds: number;
  /** How long the job waited at the admission gate before it (0 when the worker kept up). */
  waitedSeconds: number;
}
