import { Injectable } from '@nestjs/common';
import type { ProviderIdentity } from '@app/users';
import type { ExchangeJobData } from '../queue/exchange-job';
import type { ReasonCodeValue } from '../reason-codes';

/**
 * What a failed call to a provider may have done to the one-time code:
 * `untouched` when the provider cannot have taken it (the connection was
 * refused, or it answered that it is throttling or failed transiently),
 * `unknown` when the request may have reached it (a timeout, a dropped
 * connection, a bare 5xx) and the code may be spent.
 */
export type CodeFate = 'untouched' | 'unknown';

export type ProviderFailureKind = 'transient' | 'rejected' | 'malformed';

export interface ProviderCallDetails {
  status?: number;
  codeFate?: CodeFate;
}

/**
 * A failed call to a provider, classified once by the provider's client so
 * the exchange knows whether to retry and which reason to end with. Never
 * carries the code, token or secret of the call.
 */
export class ProviderCallError<Details extends ProviderCallDetails = ProviderCallDetails> extends Error {
  constructor(
    readonly kind: ProviderFailureKind,
    readonly reason: ReasonCodeValue,
    message: string,
    readonly details: Details = {} as Details,
  ) {
    super(message);
    this.name = 'ProviderCallError';
  }

  get retryable(): boolean {
    return this.kind === 'transient';
  }

  /** The provider said the code was already used: only a replay, or our own earlier call, spent it. */
  get codeAlreadyUsed(): boolean {
    return false;
  }
}

/** The person a provider vouched for, with what the host asked the provider for beyond the core's fields. */
export interface ExchangedIdentity extends ProviderIdentity {
  /** The provider's own answer for the fields or claims the host asked for (see docs/EXTENDING.md); never stored by the core. */
  extra?: Readonly<Record<string, unknown>>;
}

/**
 * One provider's side of the worker's exchange. The core runs the rest (the
 * lease, the one-time code's bookkeeping, retries, sealing the credential
 * between retries, the profile write, the status change, the session).
 */
export interface ProviderExchange {
  /** The provider's id: what its jobs carry in `provider`. */
  readonly provider: string;
  /** Its name as people read it, for the messages of a failed sign-in. */
  readonly displayName: string;
  /** Timeout of one call to the provider. */
  readonly callTimeoutMs: number;
  /** Key material for sealing the credential kept in the job between retries (the provider's client secret). */
  readonly sealingSecret: string;
  /**
   * Presents the one-time code (with its PKCE verifier) and answers the
   * credential to keep: an opaque string the core seals in the job. Throws a
   * ProviderCallError; once sent, the code may be spent, so it waits up to `timeoutMs`.
   */
  redeemCode(code: string, codeVerifier: string, options: { timeoutMs: number }): Promise<string>;
  /** The person behind the credential. Throws a ProviderCallError. */
  identify(
    credential: string,
    job: Readonly<ExchangeJobData>,
    options: { signal?: AbortSignal },
  ): Promise<ExchangedIdentity>;
}

/** The providers this worker exchanges codes for: each provider's worker module adds its own. */
@Injectable()
export class ProviderExchanges {
  private readonly byId = new Map<string, ProviderExchange>();

  register(exchange: ProviderExchange): void {
    if (this.byId.has(exchange.provider)) throw new Error(`Provider ${exchange.provider} is registered twice`);
    this.byId.set(exchange.provider, exchange);
  }

  get(provider: string | undefined): ProviderExchange | undefined {
    return provider === undefined ? undefined : this.byId.get(provider);
  }

  ids(): string[] {
    return [...this.byId.keys()];
  }
}
