import { Injectable, Logger, Optional } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AsyncOperationsService,
  OperationStatusId,
  type AsyncOperation,
  type OperationRef,
  type OperationView,
} from '@app/async-operations';
import { OperationHistoryService } from '@app/async-operations/history';
import type { BaseEnv } from '@app/config';
import { withTimeout } from '@app/config/service-reachability';
import { isDependencyUnavailable } from '@app/database';
import { IdentityInUseError, IdentityNotLinkedError, UsersService, toUserView, type UserView } from '@app/users';
import { ExchangeAbortedError, type ExchangeJobData, type ExchangeJobHandle } from '../queue/exchange-job';
import { ReasonCode, failureFor, type ReasonCodeValue } from '../reason-codes';
import { SIGN_IN_FINISHED_EVENT, type SignInFinishedEvent } from './sign-in.events';
import { SessionSignIn } from '../session/session-sign-in';
import { ExchangeLease } from './exchange-lease';
import {
  ProviderCallError,
  ProviderExchanges,
  type ExchangedIdentity,
  type ProviderExchange,
} from './provider-exchange';
import { TokenCipher } from './token-cipher';

interface FailureDecision {
  retry: boolean;
  code: ReasonCodeValue;
}

/** What one run of the exchange did: ended the operation, or found nothing to do. */
export type ExchangeOutcome = 'ok' | 'error' | 'already-ended';

/** The user an ok run signs in: the row id for the session, the view for the SPA. */
type SignedInUser = { id: number; view: UserView };

/** What a run needs to know of its operation. */
type PendingOperation = OperationRef & Pick<AsyncOperation, 'deadlineAt'>;

/** Time kept back from the token call's wait for the upsert and the status change. */
const WRITE_RESERVE_MS = 1000;
/** How long saving the job's progress may take before the run carries on without it. */
const JOB_UPDATE_TIMEOUT_MS = 2000;

/**
 * The worker's side of a sign-in, for every provider: code → credential (the
 * provider's redeemCode) → identity (its identify) → the profile written →
 * operation ok → the browser's session signed in → ok announced with the user
 * (and SIGN_IN_FINISHED_EVENT for the host app); or, once retries are spent or
 * the failure is final, error. At-least-once safe: one run per operation at a
 * time (ExchangeLease), an ended operation is left alone, a code that may have
 * reached the provider is never presented as if it were fresh, a retry after
 * the code's redemption resumes with the sealed credential, and the profile
 * write is keyed by the identity (provider, subject).
 */
@Injectable()
export class ExchangeService {
  private readonly logger = new Logger(ExchangeService.name);
  private readonly ciphers = new Map<string, TokenCipher>();
  private readonly deadlineMs: number;

  constructor(
    private readonly providers: ProviderExchanges,
    private readonly users: UsersService,
    private readonly operations: AsyncOperationsService,
    private readonly lease: ExchangeLease,
    private readonly sessions: SessionSignIn,
    private readonly history: OperationHistoryService,
    config: ConfigService<BaseEnv, true>,
    /** A process without EventEmitterModule announces nothing to the host. */
    @Optional() private readonly events?: EventEmitter2,
  ) {
    this.deadlineMs = config.get('LOGIN_DEADLINE_MS', { infer: true });
  }

  async runExchange(job: ExchangeJobHandle): Promise<ExchangeOutcome> {
    const { operationId } = job.data;
    const provider = this.providers.get(job.data.provider);
    if (!provider) return this.endForUnknownProvider(job.data);
    // No attempt outlives its deadline, so no run waits for the lease longer than one.
    const waitUntil = new Date(Date.now() + this.deadlineMs);
    return this.lease.hold(
      operationId,
      waitUntil,
      async (leaseLost, { waited }) => {
        if (waited) {
          // The run we waited for may have saved the sealed token: resume from it.
          const stored = await job.reload();
          if (!stored) return 'already-ended';
          job.data = stored;
        }
        const signal = job.signal ? AbortSignal.any([leaseLost, job.signal]) : leaseLost;
        return this.exchangeHoldingLease(provider, job, signal);
      },
      // Every outcome a run returns has ended the operation (a retry throws instead).
      () => true,
    );
  }

  /**
   * Called when Bull gave up on a job without the service ending the
   * operation (its last attempt threw). Never throws: while MySQL is away the
   * deadline sweeper ends the operation later.
   */
  async giveUp(job: Pick<ExchangeJobData, 'operationId' | 'provider'>, error: Error): Promise<void> {
    if (error instanceof ExchangeAbortedError) return; // the run that took over ends it
    const { operationId } = job;
    const { code } = decide(error);
    try {
      const operation = await this.operations.findByPublicId(operationId);
      if (operation?.statusId !== OperationStatusId.Pending) return;
      if (await this.operations.fail(operation, failureFor(code, this.displayNameOf(job.provider)))) {
        this.logger.warn(`Operation ${operationId} ended as ${code} after its job failed: ${error.message}`);
      }
    } catch (failure) {
      this.logger.error(
        `Could not end operation ${operationId} after its job failed (${(failure as Error).message}); ` +
          'the deadline sweeper will end it',
      );
    }
  }

  /** A job no provider of this worker can run (a provider not configured here): it ends at once, and says so. */
  private async endForUnknownProvider({ operationId, provider }: ExchangeJobData): Promise<ExchangeOutcome> {
    this.logger.error(`Operation ${operationId} names provider ${String(provider)}, which this worker does not run`);
    const operation = await this.operations.findByPublicId(operationId);
    if (operation?.statusId !== OperationStatusId.Pending) return 'already-ended';
    return (await this.operations.fail(operation, failureFor(ReasonCode.Internal, this.displayNameOf(provider))))
      ? 'error'
      : 'already-ended';
  }

  private displayNameOf(provider: string | undefined): string {
    return this.providers.get(provider)?.displayName ?? 'The provider';
  }

  private cipherOf(provider: ProviderExchange): TokenCipher {
    let cipher = this.ciphers.get(provider.provider);
    if (!cipher) this.ciphers.set(provider.provider, (cipher = new TokenCipher(provider.sealingSecret)));
    return cipher;
  }

  private async exchangeHoldingLease(
    provider: ProviderExchange,
    job: ExchangeJobHandle,
    signal: AbortSignal,
  ): Promise<ExchangeOutcome> {
    const { operationId } = job.data;
    // Checked under the lease: a run that waited for it finds the work already done.
    const operation = await this.startAttempt(job);
    if (!operation) {
      this.logger.log(`Operation ${operationId} already ended; nothing to do`);
      return 'already-ended';
    }
    const attempt = job.attemptsMade + 1;
    try {
      const { credential, saved } = await this.credentialFor(provider, job, operation, signal);
      let identity: ExchangedIdentity;
      if (saved) {
        // Told to stop (the job's lock or the lease is gone): the run that takes
        // over resumes from the saved credential.
        signal.throwIfAborted();
        identity = await provider.identify(credential, job.data, { signal });
      } else {
        // A credential only in hand is worth finishing with: nobody else could use it.
        identity = await this.identifyInPlace(provider, credential, job.data, operation.deadlineAt);
      }
      // The provider has answered: a database hiccup now must not cost the sign-in, so
      // the writes are retried in place until the attempt's deadline.
      let signedIn: SignedInUser | null = null;
      const won = await this.retryWhileUnavailable(operation.deadlineAt, async () => {
        const userProfileId = await this.users.signInWithIdentity(identity, { linkTo: job.data.linkTo });
        const user = await this.signedInUser(userProfileId, job.data.linkTo != null);
        signedIn = user;
        return this.operations.succeed(operation, userProfileId, () => this.signInSession(job.data, operation, user));
      });
      if (!won) {
        this.logger.warn(`Operation ${operationId} had already ended when this run finished; left as it was`);
        return 'already-ended';
      }
      this.logger.log(`Operation ${operationId} ok (attempt ${attempt})`);
      this.announceFinished(job.data, identity, signedIn);
      return 'ok';
    } catch (error) {
      if (error instanceof ExchangeAbortedError) {
        this.logger.warn(`Operation ${operationId} attempt ${attempt} stopped: ${error.message}`);
        throw error;
      }
      const decision = decide(error);
      const lastAttempt = attempt >= job.maxAttempts;
      this.logger.warn(
        `Operation ${operationId} attempt ${attempt}/${job.maxAttempts} failed: ${(error as Error).message}` +
          (decision.retry && !lastAttempt ? ' (will retry)' : ''),
      );
      // Thrown errors go back to Bull, which retries with backoff.
      if (decision.retry && !lastAttempt) throw error;
      const ended = await this.operations.fail(operation, failureFor(decision.code, provider.displayName));
      return ended ? 'error' : 'already-ended';
    }
  }

  /**
   * Counts this run and returns the operation if it is still pending. Jobs
   * queued by this version carry what the run needs (one UPDATE); older ones
   * read the row first.
   */
  private async startAttempt(job: ExchangeJobHandle): Promise<PendingOperation | null> {
    const { operationId, createdAt, deadlineAt, sessionIdHash } = job.data;
    if (createdAt !== undefined && deadlineAt !== undefined && sessionIdHash !== undefined) {
      if (!(await this.operations.startAttempt(operationId))) return null;
      return { publicId: operationId, createdAt: new Date(createdAt), deadlineAt: new Date(deadlineAt), sessionIdHash };
    }
    const operation = await this.operations.findByPublicId(operationId);
    if (!operation || operation.statusId !== OperationStatusId.Pending) return null;
    await this.operations.recordAttempt(operationId);
    return operation;
  }

  /**
   * Between the committed ok and its announcement: the session's earlier
   * failures become the user's (so the history is whole when the browser
   * looks), then the session the callback issued is signed in. The
   * announcement carries the user only if the session is now signed in; if
   * this fails (Redis away), the API signs it in when it next reads the ok.
   */
  private async signInSession(
    data: ExchangeJobData,
    operation: PendingOperation,
    user: SignedInUser | null,
  ): Promise<Partial<OperationView>> {
    if (!user) return {};
    if (data.earlierFailures) await this.history.claimFailuresOfSession(operation.sessionIdHash, user.id);
    if (!data.sessionId) return {}; // queued before sessions were signed in here: the API does it
    const profile = user.view;
    const result = await this.sessions.signIn({
      sessionId: data.sessionId,
      operationId: data.operationId,
      userId: user.id,
      profile,
    });
    if (result !== 'signed-in') {
      this.logger.warn(`Operation ${data.operationId} is ok, but its session was not signed in (${result})`);
      return {};
    }
    return { user: profile };
  }

  private async retryWhileUnavailable<T>(deadline: Date, write: () => Promise<T>): Promise<T> {
    for (let delay = 200; ; delay = Math.min(delay * 2, 2000)) {
      try {
        return await write();
      } catch (error) {
        if (!isDependencyUnavailable(error) || Date.now() + delay >= deadline.getTime()) throw error;
        this.logger.warn(`Database unavailable (${(error as Error).message}); retrying the write in ${delay} ms`);
        await sleep(delay);
      }
    }
  }

  /**
   * Who the session is signed in as. A sign-in wrote the provider's answer,
   * and the view is what the row now holds (one written-out read: a
   * provider may leave columns as they were, e.g. Facebook's declined
   * permissions when Google signs in); a link changed nothing of the
   * profile, so its view is read as stored.
   */
  private async signedInUser(userProfileId: number, linked: boolean): Promise<SignedInUser | null> {
    if (linked) {
      const profile = await this.users.findById(userProfileId);
      return profile && { id: userProfileId, view: toUserView(profile) };
    }
    const view = await this.users.viewOf(userProfileId);
    return view === null ? null : { id: userProfileId, view };
  }

  /**
   * Tells the host app, in this process, who just signed in (or linked a
   * provider). A listener's failure is the host's: it never costs the sign-in.
   */
  private announceFinished(job: ExchangeJobData, identity: ExchangedIdentity, user: SignedInUser | null): void {
    if (!this.events || !user) return;
    const event: SignInFinishedEvent = {
      operationId: job.operationId,
      provider: job.provider,
      userProfileId: user.id,
      user: user.view,
      linked: job.linkTo != null,
      identity,
    };
    try {
      this.events.emit(SIGN_IN_FINISHED_EVENT, event);
    } catch (error) {
      this.logger.error(`A ${SIGN_IN_FINISHED_EVENT} listener failed: ${(error as Error).message}`);
    }
  }

  /**
   * The credential, and whether the job holds it (sealed) for a retry. Spends
   * the code only when the job carries no credential yet.
   */
  private async credentialFor(
    provider: ProviderExchange,
    job: ExchangeJobHandle,
    operation: Pick<AsyncOperation, 'deadlineAt'>,
    signal: AbortSignal,
  ): Promise<{ credential: string; saved: boolean }> {
    const { operationId, code, codeVerifier, sealedToken, codeSentAt } = job.data;
    const cipher = this.cipherOf(provider);
    if (sealedToken) return { credential: cipher.decrypt(sealedToken, operationId), saved: true };
    if (!code || !codeVerifier) {
      throw new ProviderCallError('rejected', ReasonCode.InvalidRequest, 'The job carries no code');
    }
    const mayBeSpent = codeSentAt !== undefined;
    const callTimeoutMs = provider.callTimeoutMs;
    const remainingMs = operation.deadlineAt.getTime() - Date.now();
    if (remainingMs < callTimeoutMs) {
      // Too late for another honest try before the deadline.
      throw new ProviderCallError(
        'rejected',
        mayBeSpent ? ReasonCode.ProviderTimeout : ReasonCode.ProviderUnavailable,
        `No time left for the token call (${Math.max(0, remainingMs)} ms before the deadline)`,
      );
    }
    signal.throwIfAborted();
    // Recorded before the call: a worker that dies mid-call leaves the mark for its successor.
    if (!mayBeSpent) await this.saveJob(job, { ...job.data, codeSentAt: Date.now() }, { required: true });

    let credential: string;
    try {
      // Once sent, the code may be spent: wait for a late answer rather than retry
      // with a spent code. Not aborted by a lost lock either, for the same reason.
      // What is left after it is one call's time: a provider's identify must fit in
      // it (Facebook asks /me and /me/permissions at once, not one after the other).
      credential = await provider.redeemCode(code, codeVerifier, {
        timeoutMs: Math.max(callTimeoutMs, remainingMs - callTimeoutMs - WRITE_RESERVE_MS),
      });
    } catch (error) {
      if (error instanceof ProviderCallError && error.codeAlreadyUsed && mayBeSpent) {
        throw new ProviderCallError(
          'rejected',
          ReasonCode.ProviderTimeout,
          `The code was spent by an earlier call whose answer never arrived (${error.message})`,
          error.details,
        );
      }
      if (!mayBeSpent && error instanceof ProviderCallError && error.details.codeFate === 'untouched') {
        // The provider did not take it: the next try may present it as fresh.
        await this.saveJob(job, withoutCodeSentAt(job.data));
      }
      throw error;
    }
    // The code is spent: keep only the sealed credential, so a retry resumes from here.
    const { code: _code, codeVerifier: _verifier, codeSentAt: _sent, ...rest } = job.data;
    const saved = await this.saveJob(job, { ...rest, sealedToken: cipher.encrypt(credential, operationId) });
    return { credential, saved };
  }

  /**
   * The identity when the job could not keep the credential: a retry through
   * Bull would have to spend the code again, so transient failures are
   * retried here, with the credential in hand, until the deadline.
   */
  private async identifyInPlace(
    provider: ProviderExchange,
    credential: string,
    job: ExchangeJobData,
    deadline: Date,
  ): Promise<ExchangedIdentity> {
    for (let delay = 200; ; delay = Math.min(delay * 2, 2000)) {
      try {
        return await provider.identify(credential, job, {});
      } catch (error) {
        const retryable = error instanceof ProviderCallError && error.retryable;
        if (!retryable || Date.now() + delay + provider.callTimeoutMs >= deadline.getTime()) throw error;
        this.logger.warn(`${(error as Error).message}; retrying the identity call in place in ${delay} ms`);
        await sleep(delay);
      }
    }
  }

  /**
   * Saves the job's progress. Optional saves (the sealed token, a cleared
   * mark) never cost the login: with the token in hand this run carries on.
   */
  private async saveJob(job: ExchangeJobHandle, data: ExchangeJobData, { required = false } = {}): Promise<boolean> {
    try {
      await withTimeout(job.update(data), JOB_UPDATE_TIMEOUT_MS, 'Redis did not save the job in time');
      job.data = data;
      return true;
    } catch (error) {
      if (required) throw error;
      this.logger.warn(`Could not save the job's progress (${(error as Error).message}); carrying on`);
      return false;
    }
  }
}

function withoutCodeSentAt(data: ExchangeJobData): ExchangeJobData {
  const { codeSentAt: _sent, ...rest } = data;
  return rest;
}

function decide(error: unknown): FailureDecision {
  if (error instanceof ProviderCallError) {
    return { retry: error.retryable, code: error.reason };
  }
  // The profile write refused the identity: final, and the person is told how to go on.
  if (error instanceof IdentityNotLinkedError) return { retry: false, code: ReasonCode.IdentityNotLinked };
  if (error instanceof IdentityInUseError) return { retry: false, code: ReasonCode.IdentityInUse };
  if (isDependencyUnavailable(error)) {
    // Our database or Redis hiccuped: a good login must not end as an error because of it.
    return { retry: true, code: ReasonCode.Unavailable };
  }
  return { retry: true, code: ReasonCode.Internal };
}
