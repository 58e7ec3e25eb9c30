import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { setTimeout as sleep } from 'node:timers/promises';
import { AsyncOperationsService, OperationStatusId } from '@app/async-operations';
import type { BaseEnv } from '@app/config';
import { isDependencyUnavailable } from '@app/database';
import { UsersService } from '@app/users';
import type { ExchangeJobHandle } from './exchange-job';
import { FacebookApiError } from './facebook-api.error';
import { FacebookGraphClient } from './facebook-graph.client';
import { LoginErrorCode, loginFailure } from './login-errors';
import { TokenCipher } from './token-cipher';

interface FailureDecision {
  retry: boolean;
  code: LoginErrorCode;
}

/**
 * The worker's side of a sign-in: code → token → /me → upsert the profile →
 * operation ok; or, once retries are spent or the failure is final, error.
 * At-least-once safe: an ended operation is left alone, a retry after the
 * token exchange resumes with the sealed token, and the upsert is keyed by
 * facebook_id.
 */
@Injectable()
export class FacebookLoginService {
  private readonly logger = new Logger(FacebookLoginService.name);
  private readonly cipher: TokenCipher;

  constructor(
    private readonly graph: FacebookGraphClient,
    private readonly users: UsersService,
    private readonly operations: AsyncOperationsService,
    config: ConfigService<BaseEnv, true>,
  ) {
    this.cipher = new TokenCipher(config.get('FACEBOOK_APP_SECRET', { infer: true }));
  }

  async runExchange(job: ExchangeJobHandle): Promise<void> {
    const { operationId } = job.data;
    const operation = await this.operations.findByPublicId(operationId);
    if (!operation || operation.statusId !== OperationStatusId.Pending) {
      this.logger.log(`Operation ${operationId} already ended; nothing to do`);
      return;
    }
    await this.operations.recordAttempt(operationId);
    const attempt = job.attemptsMade + 1;
    try {
      const accessToken = await this.accessTokenFor(job);
      const profile = await this.graph.fetchProfile(accessToken);
      // Facebook has answered: a database hiccup now must not cost the login, so the
      // writes are retried in place until the attempt's deadline.
      await this.retryWhileUnavailable(operation.deadlineAt, async () => {
        const userProfileId = await this.users.upsertFromFacebook(profile);
        await this.operations.succeed(operationId, userProfileId);
      });
      this.logger.log(`Operation ${operationId} ok (attempt ${attempt})`);
    } catch (error) {
      const decision = decide(error);
      const lastAttempt = attempt >= job.maxAttempts;
      this.logger.warn(
        `Operation ${operationId} attempt ${attempt}/${job.maxAttempts} failed: ${(error as Error).message}` +
          (decision.retry && !lastAttempt ? ' (will retry)' : ''),
      );
      // Thrown errors go back to Bull, which retries with backoff.
      if (decision.retry && !lastAttempt) throw error;
      await this.operations.fail(operationId, loginFailure(decision.code));
    }
  }

  /** Called when Bull gave up on a job without the service ending the operation (e.g. a job timeout). */
  async giveUp(operationId: string, error: Error): Promise<void> {
    const { code } = decide(error);
    if (await this.operations.fail(operationId, loginFailure(code))) {
      this.logger.warn(`Operation ${operationId} ended as ${code} after its job failed: ${error.message}`);
    }
  }

  private async retryWhileUnavailable(deadline: Date, write: () => Promise<void>): Promise<void> {
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

  private async accessTokenFor(job: ExchangeJobHandle): Promise<string> {
    const { operationId, code, codeVerifier, sealedToken } = job.data;
    if (sealedToken) return this.cipher.decrypt(sealedToken);
    if (!code || !codeVerifier) {
      throw new FacebookApiError('rejected', LoginErrorCode.InvalidRequest, 'The job carries no code');
    }
    const accessToken = await this.graph.exchangeCode(code, codeVerifier);
    // The code is spent: keep only the sealed token, so a retry resumes from here.
    await job.update({ operationId, sealedToken: this.cipher.encrypt(accessToken) });
    return accessToken;
  }
}

function decide(error: unknown): FailureDecision {
  if (error instanceof FacebookApiError) {
    return { retry: error.retryable, code: error.loginError };
  }
  if (isDependencyUnavailable(error)) {
    // Our database or Redis hiccuped: a good login must not end as an error because of it.
    return { retry: true, code: LoginErrorCode.Unavailable };
  }
  return { retry: true, code: LoginErrorCode.Internal };
}
