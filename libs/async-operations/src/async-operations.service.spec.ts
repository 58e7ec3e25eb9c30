import type { Repository } from 'typeorm';
import { OperationStatusId } from './async-operation-status.entity';
import type { AsyncOperation } from './async-operation.entity';
import { AsyncOperationsService, OPERATION_TIMEOUT } from './async-operations.service';
import type { OperationStatusPublisher } from './operation-status.publisher';

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
  const service = new AsyncOperationsService(
    repository as unknown as Repository<AsyncOperation>,
    publisher as unknown as OperationStatusPublisher,
  );
  return { builder, publisher, repository, service };
}

describe(AsyncOperationsService.name, () => {
  it('changes only a pending operation, and announces the change', async () => {
    const { builder, publisher, service } = mocks(1);
    await expect(service.fail('op', OPERATION_TIMEOUT)).resolves.toBe(true);
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

  it('announces the change before it re-reads the row for the bookkeeping listeners', async () => {
    const { publisher, repository, service } = mocks(1);
    await service.succeed('op', 7);
    expect(publisher.publish).toHaveBeenCalledWith({ id: 'op', status: 'ok' });
    expect(publisher.publish.mock.invocationCallOrder[0]).toBeLessThan(
      repository.findOneByOrFail.mock.invocationCallOrder[0],
    );
  });

  it('says nothing when the operation had already ended (the race was lost)', async () => {
    const { publisher, service } = mocks(0);
    await expect(service.succeed('op', 1)).resolves.toBe(false);
    expect(publisher.publish).not.toHaveBeenCalled();
  });

  it('cuts an over-long error message to the column size', async () => {
    const { builder, service } = mocks(1);
    await service.fail('op', { code: 'x', message: 'm'.repeat(2000) });
    const [changes] = builder.set.mock.calls[0] as [{ errorMessage: string }];
    expect(changes.errorMessage).toHaveLength(500);
  });

  it('counts the overdue operations it actually ended', async () => {
    const { builder, service } = mocks(1);
    builder.execute.mockResolvedValueOnce({ affected: 1 }).mockResolvedValueOnce({ affected: 0 });
    await expect(service.expireOverdue()).resolves.toBe(1);
  });
});
