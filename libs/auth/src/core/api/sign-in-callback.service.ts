import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Request } from 'express';
import type Redis from 'ioredis';
import { z } from 'zod';
import {
  AsyncOperationsService,
  USER_AGENT_LENGTH,
  type AsyncOperation,
  type OperationRef,
} from '@app/async-operations';
import { OperationHistoryService } from '@app/async-operations/history';
import type { ApiEnv } from '@app/config';
import { REDIS_CLIENT } from '@app/redis';
import { AUTHORIZATION_TTL_MS } from '../sign-in.constants';
import { ExchangeProducer } from '../queue/exchange.producer';
import type { ExchangeJobData } from '../queue/exchange-job';
import { ReasonCode, failureFor } from '../reason-codes';
import { errorPage, pendingPage } from '../spa-pages';
import { SessionLifecycle } from '../session/session-lifecycle';
import { sessionIdHash } from '../session/session.types';
import { PendingAuthorizations } from './pending-authorizations';
import type { SignInProvider } from './sign-in-providers';

/** One plain string each; repeated or nested parameters are refused, not guessed at. */
const single = z.string().max(2048);
const callbackQuery = z.object({
  code: single.min(1).optional(),
  state: single.optional(),
  error: single.optional(),
  error_reason: single.optional(),
});

/**
 * A provider's redirect back to us, the same for every provider (OAuth 2.0's
 * `code`, `state`, `error`). It checks and consumes the state, gives the
 * browser a new session id (the pre-login id dies here, so it can never be
 * the one signed in), records a pending operation owned by the new session
 * and queues its exchange; it never calls the provider. The worker signs the new
 * session in when the exchange ends ok. The answer is where to send the
 * browser next.
 */
@Injectable()
export class SignInCallbackService {
  private readonly logger = new Logger(SignInCallbackService.name);
  private readonly deadlineMs: number;
  private readonly redisPrefix: string;

  constructor(
    private readonly authorizations: PendingAuthorizations,
    private readonly operations: AsyncOperationsService,
    private readonly queue: ExchangeProducer,
    private readonly sessions: SessionLifecycle,
    private readonly history: OperationHistoryService,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    config: ConfigService<ApiEnv, true>,
  ) {
    this.deadlineMs = config.get('LOGIN_DEADLINE_MS', { infer: true });
    this.redisPrefix = config.get('REDIS_PREFIX', { infer: true });
  }

  /**
   * Two copies of one callback racing (a double click, a prefetch) both load
   * the session before either saves it; a Redis SET NX on the state lets only
   * the first through, so one code still means one operation and one exchange.
   */
  private async claimOnce(state: string): Promise<boolean> {
    const key = `${this.redisPrefix}:state-used:${createHash('sha256').update(state).digest('hex')}`;
    return (await this.redis.set(key, '1', 'PX', AUTHORIZATION_TTL_MS, 'NX')) === 'OK';
  }

  async handle(req: Request, { id: provider, name: providerName }: SignInProvider): Promise<string> {
    const errorPageOf = (reason: ReasonCode) => errorPage(reason, provider);
    const query = callbackQuery.safeParse(req.query);
    if (!query.success) return errorPageOf(ReasonCode.InvalidRequest);
    const { code, state, error } = query.data;

    const pending = this.authorizations.consume(req, provider, state);
    if (!pending) return errorPageOf(ReasonCode.InvalidState);
    const { codeVerifier, nonce, linkTo } = pending;
    try {
      if (!(await this.claimOnce(state!))) return errorPageOf(ReasonCode.InvalidState);
    } catch {
      return errorPageOf(ReasonCode.Unavailable);
    }
    if (error) {
      return errorPageOf(error === 'access_denied' ? ReasonCode.AccessDenied : ReasonCode.ProviderError);
    }
    if (!code) return errorPageOf(ReasonCode.InvalidRequest);

    let earlierFailures: boolean;
    try {
      earlierFailures = await this.renewSession(req);
    } catch (e) {
      this.logger.error(`Could not renew the session: ${(e as Error).message}`);
      return errorPageOf(ReasonCode.Unavailable);
    }

    let operation: OperationRef & Pick<AsyncOperation, 'deadlineAt'>;
    try {
      operation = await this.operations.create({
        provider,
        sessionIdHash: sessionIdHash(req),
        deadlineAt: new Date(Date.now() + this.deadlineMs),
        // For the sign-in history; req.ip honours TRUST_PROXY.
        userAgent: req.get('user-agent')?.trim().slice(0, USER_AGENT_LENGTH) || null,
        clientIp: req.ip ?? null,
      });
    } catch (e) {
      this.logger.error(`Could not record a sign-in: ${(e as Error).message}`);
      return errorPageOf(ReasonCode.Unavailable);
    }
    const operationId = operation.publicId;
    req.session.asyncOperationId = operationId;

    try {
      // Stored before the job exists: the worker signs in the session it finds in Redis.
      await this.sessions.saveFinal(req);
      const job: ExchangeJobData & { code: string; codeVerifier: string } = {
        operationId,
        provider,
        code,
        codeVerifier,
        ...(nonce !== undefined && { nonce }),
        ...(linkTo !== undefined && { linkTo }),
        sessionId: req.sessionID,
        createdAt: operation.createdAt.getTime(),
        deadlineAt: operation.deadlineAt.getTime(),
        sessionIdHash: operation.sessionIdHash,
        ...(earlierFailures && { earlierFailures }),
      };
      await this.queue.enqueue(job);
    } catch (e) {
      this.logger.error(`Could not queue operation ${operationId}: ${(e as Error).message}`);
      // Never leave it pending: it ends now, and says why.
      await this.operations.fail(operation, failureFor(ReasonCode.Unavailable, providerName)).catch(() => undefined);
      return errorPageOf(ReasonCode.Unavailable);
    }
    this.logger.log(`Operation ${operationId} queued`);
    return pendingPage(provider);
  }

  /**
   * A new session id, keeping where to go after sign-in. The browser's earlier
   * failed attempts (if the session says it has any) follow it to the new id,
   * so that the sign-in claims them for its history. Returns whether any did.
   */
  private async renewSession(req: Request): Promise<boolean> {
    const { returnTo, failedAttempts } = req.session;
    const previous = await this.sessions.renew(req);
    if (returnTo !== undefined) req.session.returnTo = returnTo;
    if (!failedAttempts) return false;
    try {
      return (await this.history.moveFailuresOfSession(previous, sessionIdHash(req))) > 0;
    } catch (error) {
      // Only the history's completeness is at stake: the sign-in goes on.
      this.logger.warn(`Could not carry earlier failed attempts to the new session: ${(error as Error).message}`);
      return false;
    }
  }
}
