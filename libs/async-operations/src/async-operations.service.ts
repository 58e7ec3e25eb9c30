import { Injectable, Logger, Optional } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectRepository } from '@nestjs/typeorm';
import { In, LessThan, Repository } from 'typeorm';
import { newPublicId } from '@app/users';
import { OperationStatusId, STATUS_CODES } from './async-operation-status.entity';
import { AsyncOperation, CLIENT_IP_LENGTH, ERROR_MESSAGE_LENGTH, USER_AGENT_LENGTH } from './async-operation.entity';
import { OperationStatusPublisher } from './operation-status.publisher';
import { toOperationView, type OperationView } from './operation-view';

export interface OperationFailure {
  code: string;
  message: string;
}

/** Local event (EventEmitter2) after an operation is recorded: OperationStartedEvent. */
export const OPERATION_STARTED_EVENT = 'async-operation.started';
/** Local event, once per operation, from the process whose transition won: OperationFinishedEvent. */
export const OPERATION_FINISHED_EVENT = 'async-operation.finished';

export interface OperationStartedEvent {
  operationId: string;
}

export interface OperationFinishedEvent {
  operationId: string;
  status: 'ok' | 'error';
  /** The error code; null for ok. */
  reason: string | null;
  startedAt: Date;
  finishedAt: Date;
  sessionIdHash: string;
  userProfileId: number | null;
}

/**
 * What a status change needs to know of its operation to announce itself
 * (the finished event), so it never re-reads the row after the UPDATE.
 */
export type OperationRef = Pick<AsyncOperation, 'publicId' | 'createdAt' | 'sessionIdHash'>;

/**
 * Runs after the ok is committed and before it is announced; what it returns
 * joins the announcement (the signed-in user). Its failure never undoes the ok:
 * the announcement then goes out without it.
 */
export type BeforeAnnouncing = () => Promise<Partial<OperationView>>;

/**
 * The statements every sign-in runs, written out: TypeORM's query builder
 * costs more CPU than the statement itself here (docs/BENCHMARKS.md). The
 * columns are the entity's (async-operation.entity.ts).
 */
const INSERT_OPERATION = `
  INSERT INTO async_operation
    (public_id, provider, created_at, async_operation_status_id, session_id_hash, deadline_at, user_agent, client_ip, attempts)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)`;
const START_ATTEMPT = `
  UPDATE async_operation SET attempts = attempts + 1
  WHERE public_id = ? AND async_operation_status_id = ?`;
const FINISH_OPERATION = `
  UPDATE async_operation
  SET async_operation_status_id = ?, user_profile_id = COALESCE(?, user_profile_id),
      error_code = ?, error_message = ?, finished_at = ?
  WHERE public_id = ? AND async_operation_status_id = ?`;

/** What a browser's requests read of the operation their session owns. */
export type OwnedOperation = Pick<
  AsyncOperation,
  'publicId' | 'statusId' | 'errorCode' | 'errorMessage' | 'userProfileId'
>;
const FIND_OWNED = `
  SELECT public_id AS publicId, async_operation_status_id AS statusId, error_code AS errorCode,
         error_message AS errorMessage, user_profile_id AS userProfileId
  FROM async_operation
  WHERE public_id = ? AND session_id_hash = ?`;

/** What mysql2 answers to an INSERT or UPDATE. */
interface WriteResult {
  affectedRows: number;
}

export const OPERATION_TIMEOUT: OperationFailure = {
  code: 'timeout',
  message: 'The sign-in took too long and was stopped.',
};

/**
 * The only code that changes an operation's status. Each transition is one
 * conditional UPDATE (`… WHERE status = pending`), so it happens at most once
 * however many workers, retries or sweepers race for it, and only the winner
 * announces it.
 */
@Injectable()
export class AsyncOperationsService {
  private readonly logger = new Logger(AsyncOperationsService.name);

  constructor(
    @InjectRepository(AsyncOperation)
    private readonly operations: Repository<AsyncOperation>,
    private readonly publisher: OperationStatusPublisher,
    /** For metrics; a process without EventEmitterModule simply has none. */
    @Optional() private readonly events?: EventEmitter2,
  ) {}

  async create(input: {
    /** The provider the person signs in with ('facebook', 'google', …). */
    provider: string;
    sessionIdHash: string;
    deadlineAt: Date;
    userAgent?: string | null;
    clientIp?: string | null;
  }): Promise<OperationRef & Pick<AsyncOperation, 'deadlineAt'>> {
    const operation = {
      publicId: newPublicId(),
      // Set here rather than by the column default, so the finished event can
      // carry it without a re-read (and it is UTC whatever the server's zone).
      createdAt: new Date(),
      sessionIdHash: input.sessionIdHash,
      deadlineAt: input.deadlineAt,
    };
    // One INSERT: save() would wrap it in a transaction and read the defaults back.
    await this.operations.query(INSERT_OPERATION, [
      operation.publicId,
      input.provider,
      operation.createdAt,
      OperationStatusId.Pending,
      operation.sessionIdHash,
      operation.deadlineAt,
      input.userAgent?.slice(0, USER_AGENT_LENGTH) || null,
      input.clientIp?.slice(0, CLIENT_IP_LENGTH) || null,
    ]);
    await this.emit(OPERATION_STARTED_EVENT, { operationId: operation.publicId } satisfies OperationStartedEvent);
    return operation;
  }

  findByPublicId(publicId: string): Promise<AsyncOperation | null> {
    return this.operations.findOneBy({ publicId });
  }

  /** Many operations in one query (the stream watcher's re-reads). */
  findManyByPublicIds(publicIds: string[]): Promise<AsyncOperation[]> {
    return publicIds.length ? this.operations.findBy({ publicId: In(publicIds) }) : Promise.resolve([]);
  }

  /**
   * The operation, if it belongs to the given session; otherwise null (never
   * a hint that it exists). Every status stream and poll runs it, so it is
   * written out: TypeORM's findOneBy costs more CPU than the query.
   */
  async findOwned(publicId: string, sessionIdHash: string): Promise<OwnedOperation | null> {
    const rows = await this.operations.query<OwnedOperation[]>(FIND_OWNED, [publicId, sessionIdHash]);
    return rows[0] ?? null;
  }

  async recordAttempt(publicId: string): Promise<void> {
    await this.operations.increment({ publicId }, 'attempts', 1);
  }

  /**
   * Counts one more exchange run, if the operation is still pending; false
   * when it has ended. One statement for "is it still worth doing?" and the
   * attempt count, where a read and an increment would be two.
   */
  async startAttempt(publicId: string): Promise<boolean> {
    const result = await this.operations.query<WriteResult>(START_ATTEMPT, [publicId, OperationStatusId.Pending]);
    return result.affectedRows > 0;
  }

  /** pending → ok. Returns false when the operation had already ended. */
  succeed(operation: OperationRef, userProfileId: number, beforeAnnouncing?: BeforeAnnouncing): Promise<boolean> {
    return this.finish(operation, { statusId: OperationStatusId.Ok, userProfileId }, beforeAnnouncing);
  }

  /** pending → error. Returns false when the operation had already ended. */
  fail(operation: OperationRef, failure: OperationFailure): Promise<boolean> {
    return this.finish(operation, {
      statusId: OperationStatusId.Error,
      errorCode: failure.code.slice(0, 64),
      errorMessage: failure.message.slice(0, ERROR_MESSAGE_LENGTH),
    });
  }

  /** Ends every pending operation whose deadline has passed; returns how many it ended. */
  async expireOverdue(now = new Date()): Promise<number> {
    const overdue = await this.operations.find({
      select: { publicId: true, createdAt: true, sessionIdHash: true },
      where: { statusId: OperationStatusId.Pending, deadlineAt: LessThan(now) },
      take: 500,
    });
    let ended = 0;
    for (const operation of overdue) {
      if (await this.fail(operation, OPERATION_TIMEOUT)) ended++;
    }
    return ended;
  }

  private async finish(
    operation: OperationRef,
    changes: Pick<AsyncOperation, 'statusId'> &
      Partial<Pick<AsyncOperation, 'userProfileId' | 'errorCode' | 'errorMessage'>>,
    beforeAnnouncing?: BeforeAnnouncing,
  ): Promise<boolean> {
    const { publicId } = operation;
    const finishedAt = new Date();
    const result = await this.operations.query<WriteResult>(FINISH_OPERATION, [
      changes.statusId,
      changes.userProfileId ?? null,
      changes.errorCode ?? null,
      changes.errorMessage ?? null,
      finishedAt,
      publicId,
      OperationStatusId.Pending,
    ]);
    if (!result.affectedRows) return false;
    // Everything announced below is what this UPDATE wrote plus what the caller
    // already knew: no re-read that could fail after the change is committed.
    // The browser's news goes first (after what must be true when it arrives:
    // the session signed in, its history whole); the bookkeeping (metrics, the
    // history link of failures) lands a few milliseconds later.
    const view = toOperationView({ publicId, errorCode: null, errorMessage: null, ...changes });
    await this.publisher.publish({ ...view, ...(await this.runBeforeAnnouncing(publicId, beforeAnnouncing)) });
    await this.emit(OPERATION_FINISHED_EVENT, {
      operationId: publicId,
      status: STATUS_CODES[changes.statusId] === 'ok' ? 'ok' : 'error',
      reason: changes.errorCode ?? null,
      startedAt: operation.createdAt,
      finishedAt,
      sessionIdHash: operation.sessionIdHash,
      userProfileId: changes.userProfileId ?? null,
    } satisfies OperationFinishedEvent);
    return true;
  }

  private async runBeforeAnnouncing(
    publicId: string,
    beforeAnnouncing?: BeforeAnnouncing,
  ): Promise<Partial<OperationView>> {
    try {
      return (await beforeAnnouncing?.()) ?? {};
    } catch (error) {
      this.logger.warn(`Operation ${publicId} is ok, but what follows it failed: ${(error as Error).message}`);
      return {};
    }
  }

  private async emit(event: string, payload: OperationStartedEvent | OperationFinishedEvent): Promise<void> {
    try {
      await this.events?.emitAsync(event, payload);
    } catch (error) {
      // Listeners (metrics, the history link) must never undo a status change.
      this.logger.warn(`A listener of ${event} failed: ${(error as Error).message}`);
    }
  }
}
