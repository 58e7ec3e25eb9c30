/**
 * Data of one exchange job (jobId = the operation's public id). The code and
 * verifier are dropped as soon as the token is in hand; the token is kept only
 * sealed (AES-256-GCM), and the job is removed when it ends.
 */
export interface ExchangeJobData {
  operationId: string;
  code?: string;
  codeVerifier?: string;
  sealedToken?: string;
}

/** The parts of a Bull job the exchange needs, so the logic is testable without Redis. */
export interface ExchangeJobHandle {
  data: ExchangeJobData;
  /** Attempts that already failed before this one. */
  attemptsMade: number;
  maxAttempts: number;
  update(data: ExchangeJobData): Promise<void>;
}
