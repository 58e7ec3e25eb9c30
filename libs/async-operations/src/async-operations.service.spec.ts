import type { Repository } from 'typeorm';
import { OperationStatusId } from './async-operation-status.entity';
import type { AsyncOperation } from './async-operation.entity';
import { EventEmitter2 } from '@nestjs/event-emitter';
import {
  AsyncOperationsService,
  OPERATION_FINISHED_EVENT,
  OPERATION_TIMEOUT,
  type OperationFinishedEvent,
  type OperationRef,
} from './async-operations.service';
import type { OperationStatusPublisher } from './operation-status.publisher';

const OP: OperationRef = Object.freeze({
  publicId: 'op',
  createdAt: new Date('2026-01-01T10:00:00Z'),
  sessionIdHash: 'h'.repeat(64),
});

function mocks(affected: number) {
  const builder = {
    update: jest.fn().mockReturnThis(),
    set: jest.fn().mockReturnThis(),
    where: jest.fn().mockReturnThis(),
    execute: jest.fn().mockResolvedValue({ affected }),
  };
  const stored = {
    publicId: 'op',
    statusId: OperationStatusId.Error,
    errorCode: 'timeout',
    errorMessage: OPERATION_TIMEOUT.message,
  } as AsyncOperation;
  const repository = {
    createQueryBuilder: jest.fn(() => builder),
    findOneByOrFail: jest.fn().mockResolvedValue(stored),
    find: jest.fn().mockResolvedValue([{ publicId: 'a' }, { publicId: 'b' }]),
  };
  const publisher = { publish: jest.fn().mockResolvedValue(undefined) };
  const events = new EventEmitter2();
  const finished: OperationFinishedEvent[] = [];
  events.on(OPERATION_FINISHED_EVENT, (event: OperationFinishedEvent) => finished.push(event));
  const service = new AsyncOperationsService(
    repository as unknown as Repository<AsyncOperation>,
    publisher as unknown as OperationStatusPublisher,
    events,
  );
  return { builder, publisher, repository, service, finished };
}

describe(AsyncOperationsService.name, () => {
  it('changes only a pending operation, and announces the change', async () => {
    const { builder, publisher, service } = mocks(1);
    await expect(service.fail(OP, OPERATION_TIMEOUT)).resolves.toBe(true);
    expect(builder.where).toHaveBeenCalledWith(expect.stringContaining('async_operation_status_id = :pending'), {
      publicId: 'op',
      pending: OperationStatusId.Pending,
    });
    expect(builder.set).toHaveBeenCalledWith(
      expect.objectContaining({ statusId: OperationStatusId.Error, errorCode: 'timeout' }),
    );
    expect(publisher.publish).toHaveBeenCalledWith({
      id: 'op',
      status: 'error',
      error: { code: 'timeout', message: OPERATION_TIMEOUT.message },
    });
  });

  it('announces the change and its finished event from what the UPDATE wrote, never re-reading the row', async () => {
    const { publisher, repository, service, finished, builder } = mocks(1);
    // A re-read would fail here (MySQL gone right after the commit): the news must not be lost.
    repository.findOneByOrFail.mockRejectedValue(new Error('connect ECONNREFUSED'));
    await expect(service.succeed(OP, 7)).resolves.toBe(true);
    expect(publisher.publish).toHaveBeenCalledWith({ id: 'op', status: 'ok' });
    expect(repository.findOneByOrFail).not.toHaveBeenCalled();
    const [{ finishedAt }] = builder.set.mock.calls[0] as [{ finishedAt: Date }];
    expect(finished).toEqual([
      {
        operationId: 'op',
        status: 'ok',
        reason: null,
        startedAt: OP.createdAt,
        finishedAt,
        sessionIdHash: OP.sessionIdHash,
        userProfileId: 7,
      },
    ]);
  });

  it('says nothing when the operation had already ended (the race was lost)', async () => {
    const { publisher, service } = mocks(0);
    await expect(service.succeed(OP, 1)).resolves.toBe(false);
    expect(publisher.publish).not.toHaveBeenCalled();
  });

  it('cuts an over-long error message to the column size', async () => {
    const { builder, service } = mocks(1);
    await service.fail(OP, { code: 'x', message: 'm'.repeat(2000) });
    const [changes] = builder.set.mock.calls[0] as [{ errorMessage: string }];
    expect(changes.errorMessage).toHaveLength(500);
  });

  it('counts the overdue operations it actually ended', async () => {
    const { builder, service } = mocks(1);
    builder.execute.mockResolvedValueOnce({ affected: 1 }).mockResolvedValueOnce({ affected: 0 });
    await expect(service.expireOverdue()).resolves.toBe(1);
  });
});
