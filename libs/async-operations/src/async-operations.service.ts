import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, Repository } from 'typeorm';
import { newPublicId } from '@app/users';
import { OperationStatusId } from './async-operation-status.entity';
import { AsyncOperation, ERROR_MESSAGE_LENGTH } from './async-operation.entity';
import { OperationStatusPublisher } from './operation-status.publisher';
import { toOperationView } from './operation-view';

export interface OperationFailure {
  code: string;
  message: string;
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
  constructor(
    @InjectRepository(AsyncOperation)
    private readonly operations: Repository<AsyncOperation>,
    private readonly publisher: OperationStatusPublisher,
  ) {}

  async create(input: { sessionIdHash: string; deadlineAt: Date }): Promise<AsyncOperation> {
    const operation = this.operations.create({
      publicId: newPublicId(),
      statusId: OperationStatusId.Pending,
      sessionIdHash: input.sessionIdHash,
      deadlineAt: input.deadlineAt,
      userProfileId: null,
      errorCode: null,
      errorMessage: null,
      finishedAt: null,
      attempts: 0,
    });
    return this.operations.save(operation);
  }

  findByPublicId(publicId: string): Promise<AsyncOperation | null> {
    return this.operations.findOneBy({ publicId });
  }

  /** The operation, if it belongs to the given session; otherwise null (never a hint that it exists). */
  findOwned(publicId: string, sessionIdHash: string): Promise<AsyncOperation | null> {
    return this.operations.findOneBy({ publicId, sessionIdHash });
  }

  async recordAttempt(publicId: string): Promise<void> {
    await this.operations.increment({ publicId }, 'attempts', 1);
  }

  /** pending → ok. Returns false when the operation had already ended. */
  succeed(publicId: string, userProfileId: number): Promise<boolean> {
    return this.finish(publicId, {
      statusId: OperationStatusId.Ok,
      userProfileId,
    });
  }

  /** pending → error. Returns false when the operation had already ended. */
  fail(publicId: string, failure: OperationFailure): Promise<boolean> {
    return this.finish(publicId, {
      statusId: OperationStatusId.Error,
      errorCode: failure.code.slice(0, 64),
      errorMessage: failure.message.slice(0, ERROR_MESSAGE_LENGTH),
    });
  }

  /** Ends every pending operation whose deadline has passed; returns how many it ended. */
  async expireOverdue(now = new Date()): Promise<number> {
    const overdue = await this.operations.find({
      select: { publicId: true },
      where: { statusId: OperationStatusId.Pending, deadlineAt: LessThan(now) },
      take: 500,
    });
    let ended = 0;
    for (const { publicId } of overdue) {
      if (await this.fail(publicId, OPERATION_TIMEOUT)) ended++;
    }
    return ended;
  }

  private async finish(
    publicId: string,
    changes: Partial<AsyncOperation>,
  ): Promise<boolean> {
    const result = await this.operations
      .createQueryBuilder()
      .update(AsyncOperation)
      .set({ ...changes, finishedAt: () => 'CURRENT_TIMESTAMP(3)' })
      .where('public_id = :publicId AND async_operation_status_id = :pending', {
        publicId,
        pending: OperationStatusId.Pending,
      })
      .execute();
    if (!result.affected) return false;
    const operation = await this.operations.findOneByOrFail({ publicId });
    await this.publisher.publish(toOperationView(operation));
    return true;
  }
}
