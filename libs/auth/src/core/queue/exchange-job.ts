/**
 * Data of one exchange job (jobId = the operation's public id): the contract
 * between the API's callback and the worker, for every provider. The code and
 * verifier are dropped as soon as the credential is in hand; the credential is
 * kept only sealed (AES-256-GCM, bound to the operation), and the job is
 * removed when it ends.
 */
export interface ExchangeJobData {
  operationId: string;
  /** Which provider's exchange runs it (`ProviderExchange.provider`). */
  provider: string;
  code?: string;
  codeVerifier?: string;
  /** OpenID Connect: the nonce the id_token must carry (bound to the browser's session at the start). */
  nonce?: string;
  /**
   * Set when a signed-in person links this provider from their page: the
   * user_profile id the identity is attached to (taken from the session, never
   * from the browser's input).
   */
  linkTo?: number;
  /**
   * Set (epoch ms) just before the code is sent to the provider, and cleared
   * only when its answer proves the code was not taken. A later run that
   * finds it set knows the code may already be spent: "code already used" then
   * means our own earlier call took it, not that the person did anything wrong.
   */
  codeSentAt?: number;
  sealedToken?: string;
  /**
   * The session the callback issued, which the worker signs in when the
   * exchange ends ok (it lives in the same Redis as the session itself; the
   * queue dashboard never shows it, and the job is removed when it ends).
   */
  sessionId?: string;
  /** The session carries earlier failed attempts: the sign-in claims them for its history before it announces ok. */
  earlierFailures?: boolean;
  /**
   * What the run needs of its operation (epoch ms and the session id's
   * hash), so it need not read the row: the callback knows them. Absent in
   * jobs queued by older versions.
   */
  createdAt?: number;
  deadlineAt?: number;
  sessionIdHash?: string;
}

/** The parts of a Bull job the exchange needs, so the logic is testable without Redis. */
export interface ExchangeJobHandle {
  data: ExchangeJobData;
  /** Attempts that already failed before this one. */
  attemptsMade: number;
  maxAttempts: number;
  update(data: ExchangeJobData): Promise<void>;
  /** The job's data as stored now (another run may have saved progress); null once the job is gone. */
  reload(): Promise<ExchangeJobData | null>;
  /** Aborts when the worker could not extend the job's lock: another worker may take the job over. */
  signal?: AbortSignal;
}

/**
 * This run must stop (its job lock or its exchange lease was lost); another
 * run carries the operation on. It never ends the operation itself.
 */
export class ExchangeAbortedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExchangeAbortedError';
  }
}
