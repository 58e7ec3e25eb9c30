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

/** The parameters of FINISH_OPERATION, in order. */
type FinishParams = [number, number | null, string | null, string | null, Date, string, number];

function mocks(affected: number) {
  const query = jest
    .fn<Promise<{ affectedRows: number }>, [string, unknown[]]>()
    .mockResolvedValue({ affectedRows: affected });
  const stored = {
    publicId: 'op',
    statusId: OperationStatusId.Error,
    errorCode: 'timeout',
    errorMessage: OPERATION_TIMEOUT.message,
  } as AsyncOperation;
  const repository = {
    query,
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
  const finishParams = (call = 0) => query.mock.calls[call][1] as FinishParams;
  return { query, finishParams, publisher, repository, service, finished };
}

describe(AsyncOperationsService.name, () => {
  it('changes only a pending operation, and announces the change', async () => {
    const { query, finishParams, publisher, service } = mocks(1);
    await expect(service.fail(OP, OPERATION_TIMEOUT)).resolves.toBe(true);
    expect(query.mock.calls[0][0]).toMatch(/WHERE public_id = \? AND async_operation_status_id = \?/);
    expect(finishParams()).toEqual([
      OperationStatusId.Error,
      null,
      'timeout',
      OPERATION_TIMEOUT.message,
      expect.any(Date),
      'op',
      OperationStatusId.Pending,
    ]);
    expect(publisher.publish).toHaveBeenCalledWith({
      id: 'op',
      status: 'error',
      error: { code: 'timeout', message: OPERATION_TIMEOUT.message },
    });
  });

  it('announces the change and its finished event from what the UPDATE wrote, never re-reading the row', async () => {
    const { publisher, repository, service, finished, finishParams } = mocks(1);
    // A re-read would fail here (MySQL gone right after the commit): the news must not be lost.
    repository.findOneByOrFail.mockRejectedValue(new Error('connect ECONNREFUSED'));
    await expect(service.succeed(OP, 7)).resolves.toBe(true);
    expect(publisher.publish).toHaveBeenCalledWith({ id: 'op', status: 'ok' });
    expect(repository.findOneByOrFail).not.toHaveBeenCalled();
    const finishedAt = finishParams()[4];
    expect(finishParams()[1]).toBe(7);
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

  it('passes the beforeAnnouncing result into the announcement, and announces without it if it fails', async () => {
    const { publisher, service } = mocks(1);
    await service.succeed(OP, 7, async () => ({
      user: { id: 'u', firstName: 'Ada', lastName: null, email: null, declined: [], pictureUrl: null },
    }));
    expect(publisher.publish).toHaveBeenLastCalledWith({
      id: 'op',
      status: 'ok',
      user: { id: 'u', firstName: 'Ada', lastName: null, email: null, declined: [], pictureUrl: null },
    });
    await service.succeed(OP, 7, () => Promise.reject(new Error('Redis away')));
    expect(publisher.publish).toHaveBeenLastCalledWith({ id: 'op', status: 'ok' });
  });

  it('counts an attempt only while the operation is pending', async () => {
    const { query, service } = mocks(1);
    await expect(service.startAttempt('op')).resolves.toBe(true);
    expect(query).toHaveBeenCalledWith(expect.stringMatching(/SET attempts = attempts \+ 1/), [
      'op',
      OperationStatusId.Pending,
    ]);
    query.mockResolvedValueOnce({ affectedRows: 0 });
    await expect(service.startAttempt('op')).resolves.toBe(false);
  });

  it('says nothing when the operation had already ended (the race was lost)', async () => {
    const { publisher, service } = mocks(0);
    await expect(service.succeed(OP, 1)).resolves.toBe(false);
    expect(publisher.publish).not.toHaveBeenCalled();
  });

  it('cuts an over-long error message to the column size', async () => {
    const { finishParams, service } = mocks(1);
    await service.fail(OP, { code: 'x', message: 'm'.repeat(2000) });
    expect(finishParams()[3]).toHaveLength(500);
  });

  it('counts the overdue operations it actually ended', async () => {
    const { query, service } = mocks(1);
    query.mockResolvedValueOnce({ affectedRows: 1 }).mockResolvedValueOnce({ affectedRows: 0 });
    await expect(service.expireOverdue()).resolves.toBe(1);
  });
});
