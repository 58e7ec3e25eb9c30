import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, IsNull, LessThan, Repository } from 'typeorm';
import { OperationStatusId, type OperationStatusCode } from '../async-operation-status.entity';
import { AsyncOperation } from '../async-operation.entity';
import type { OperationFinishedEvent } from '../async-operations.service';
import { toOperationRecord, toSignInEntry, type OperationRecord, type SignInEntry } from './sign-in-entry';

export const SIGN_IN_HISTORY_LENGTH = 10;
export const PRUNE_BATCH_SIZE = 1000;

const STATUS_IDS: Record<OperationStatusCode, OperationStatusId> = {
  pending: OperationStatusId.Pending,
  ok: OperationStatusId.Ok,
  error: OperationStatusId.Error,
};

export interface OperationSearch {
  status?: OperationStatusCode;
  reason?: string;
  limit: number;
}

/** Reading and tidying the record of past attempts; status changes stay in AsyncOperationsService. */
@Injectable()
export class OperationHistoryService {
  constructor(
    @InjectRepository(AsyncOperation)
    private readonly operations: Repository<AsyncOperation>,
  ) {}

  /** A user's latest attempts, newest first: those that signed them in and the failures linked to them. */
  async signInsOf(userProfileId: number, limit = SIGN_IN_HISTORY_LENGTH): Promise<SignInEntry[]> {
    const rows = await this.operations.find({
      where: { userProfileId },
      order: { createdAt: 'DESC', id: 'DESC' },
      take: limit,
    });
    return rows.map(toSignInEntry);
  }

  /** Every attempt, newest first, for support (GET /admin/operations). */
  async search({ status, reason, limit }: OperationSearch): Promise<OperationRecord[]> {
    const query = this.operations
      .createQueryBuilder('operation')
      .leftJoin('operation.userProfile', 'user')
      .addSelect(['user.id', 'user.publicId'])
      .orderBy('operation.createdAt', 'DESC')
      .addOrderBy('operation.id', 'DESC')
      .take(limit);
    if (status)
      query.andWhere('operation.statusId = :status', {
        status: STATUS_IDS[status],
      });
    if (reason) query.andWhere('operation.errorCode = :reason', { reason });
    return (await query.getMany()).map(toOperationRecord);
  }

  /**
   * Links a failed attempt to the person who signed in from the same browser
   * session (same session_id_hash): a success claims the session's earlier
   * failures, and a failure after a success in that session joins its user.
   * That is what the sign-in history shows, and a data deletion takes the
   * linked failures along (ON DELETE CASCADE).
   */
  async linkToOwner(event: OperationFinishedEvent): Promise<void> {
    // A success claims its session's failures before it is announced (the
    // worker's sign-in, and only when the session has any): nothing to do here.
    if (event.status === 'error' && event.userProfileId === null) {
      const owner = await this.operations.findOne({
        select: { id: true, userProfileId: true },
        where: {
          sessionIdHash: event.sessionIdHash,
          statusId: OperationStatusId.Ok,
        },
        order: { id: 'DESC' },
      });
      if (owner?.userProfileId) {
        await this.operations.update({ publicId: event.operationId }, { userProfileId: owner.userProfileId });
      }
    }
  }

  /**
   * The session's failed attempts that nobody owns yet become the user's.
   * Idempotent; the worker does it before it announces the ok, so the
   * history is complete by the time the browser is signed in.
   */
  async claimFailuresOfSession(sessionIdHash: string, userProfileId: number): Promise<void> {
    await this.operations.update(
      { sessionIdHash, statusId: OperationStatusId.Error, userProfileId: IsNull() },
      { userProfileId },
    );
  }

  /**
   * The browser got a new session id (each sign-in starts under a fresh one):
   * its failed attempts that nobody owns yet go with it, so a success under
   * the new id still claims them. Returns how many moved.
   */
  async moveFailuresOfSession(fromSessionIdHash: string, toSessionIdHash: string): Promise<number> {
    const result = await this.operations.update(
      { sessionIdHash: fromSessionIdHash, statusId: OperationStatusId.Error, userProfileId: IsNull() },
      { sessionIdHash: toSessionIdHash },
    );
    return result.affected ?? 0;
  }

  /** Deletes attempts that began before `cutoff`, in batches; returns how many. */
  async pruneCreatedBefore(cutoff: Date, batchSize = PRUNE_BATCH_SIZE): Promise<number> {
    let deleted = 0;
    for (;;) {
      const batch = await this.operations.find({
        select: { id: true },
        where: { createdAt: LessThan(cutoff) },
        order: { createdAt: 'ASC' },
        take: batchSize,
      });
      if (!batch.length) return deleted;
      const result = await this.operations.delete({
        id: In(batch.map((row) => row.id)),
      });
      deleted += result.affected ?? batch.length;
      if (batch.length < batchSize) return deleted;
    }
  }
}
