import { ConfigService } from '@nestjs/config';
import { QueryFailedError } from 'typeorm';
import { AsyncOperation, AsyncOperationsService, OperationStatusId } from '@app/async-operations';
import type { UsersService } from '@app/users';
import type { ExchangeJobData, ExchangeJobHandle } from './exchange-job';
import { FacebookApiError } from './facebook-api.error';
import { FacebookGraphClient } from './facebook-graph.client';
import { FacebookLoginService } from './facebook-login.service';
import { LoginErrorCode } from './login-errors';
import { TokenCipher } from './token-cipher';

const APP_SECRET = 'unit-app-secret';
const PROFILE = Object.freeze({ facebookId: '42', firstName: 'Ada', lastName: 'L', email: null });

function mocks() {
  const graph = {
    exchangeCode: jest.fn<Promise<string>, [string, string]>().mockResolvedValue('EAA-token'),
    fetchProfile: jest.fn<Promise<typeof PROFILE>, [string]>().mockResolvedValue(PROFILE),
  };
  const users = {
    upsertFromFacebook: jest.fn().mockResolvedValue(7),
  };
  const operations = {
    findByPublicId: jest
      .fn<Promise<AsyncOperation | null>, [string]>()
      .mockResolvedValue({
        publicId: 'op',
        statusId: OperationStatusId.Pending,
        deadlineAt: new Date(Date.now() + 60_000),
      } as AsyncOperation),
    recordAttempt: jest.fn().mockResolvedValue(undefined),
    succeed: jest.fn().mockResolvedValue(true),
    fail: jest.fn().mockResolvedValue(true),
  };
  const config = { get: () => APP_SECRET } as unknown as ConfigService<never, true>;
  const service = new FacebookLoginService(
    graph as unknown as FacebookGraphClient,
    users as unknown as UsersService,
    operations as unknown as AsyncOperationsService,
    config,
  );
  return { graph, users, operations, service };
}

function job(data: Partial<ExchangeJobData> = {}, attemptsMade = 0, maxAttempts = 3) {
  const handle: ExchangeJobHandle & { updates: ExchangeJobData[] } = {
    data: { operationId: 'op', code: 'the-code', codeVerifier: 'the-verifier', ...data },
    attemptsMade,
    maxAttempts,
    updates: [],
    update: jest.fn(async (next: ExchangeJobData) => {
      handle.updates.push(next);
      handle.data = next;
    }),
  };
  return handle;
}

const transient = () =>
  new FacebookApiError('transient', LoginErrorCode.FacebookUnavailable, 'HTTP 503');

describe(FacebookLoginService.name, () => {
  it('exchanges, reads /me, upserts and ends the operation ok', async () => {
    const { graph, users, operations, service } = mocks();
    await service.runExchange(job());
    expect(graph.exchangeCode).toHaveBeenCalledWith('the-code', 'the-verifier');
    expect(graph.fetchProfile).toHaveBeenCalledWith('EAA-token');
    expect(users.upsertFromFacebook).toHaveBeenCalledWith(PROFILE);
    expect(operations.recordAttempt).toHaveBeenCalledWith('op');
    expect(operations.succeed).toHaveBeenCalledWith('op', 7);
    expect(operations.fail).not.toHaveBeenCalled();
  });

  it('drops the code from the job once spent, keeping only a sealed token', async () => {
    const { service } = mocks();
    const handle = job();
    await service.runExchange(handle);
    expect(handle.updates).toHaveLength(1);
    const [saved] = handle.updates;
    expect(saved).not.toHaveProperty('code');
    expect(saved).not.toHaveProperty('codeVerifier');
    expect(JSON.stringify(saved)).not.toContain('EAA-token');
    expect(new TokenCipher(APP_SECRET).decrypt(saved.sealedToken!)).toBe('EAA-token');
  });

  it('resumes a retry from the sealed token without spending the code again', async () => {
    const { graph, operations, service } = mocks();
    const sealedToken = new TokenCipher(APP_SECRET).encrypt('EAA-kept');
    await service.runExchange(job({ code: undefined, codeVerifier: undefined, sealedToken }, 1));
    expect(graph.exchangeCode).not.toHaveBeenCalled();
    expect(graph.fetchProfile).toHaveBeenCalledWith('EAA-kept');
    expect(operations.succeed).toHaveBeenCalled();
  });

  it('hands a transient failure back to Bull while attempts remain', async () => {
    const { graph, operations, service } = mocks();
    graph.exchangeCode.mockRejectedValue(transient());
    await expect(service.runExchange(job({}, 0, 3))).rejects.toBeInstanceOf(FacebookApiError);
    expect(operations.fail).not.toHaveBeenCalled();
  });

  it('ends as facebook_unavailable when the last attempt fails transiently', async () => {
    const { graph, operations, service } = mocks();
    graph.exchangeCode.mockRejectedValue(transient());
    await service.runExchange(job({}, 2, 3));
    expect(operations.fail).toHaveBeenCalledWith('op', {
      code: 'facebook_unavailable',
      message: expect.any(String),
    });
  });

  it('ends at once, without a retry, when Facebook rejects the code', async () => {
    const { graph, operations, service } = mocks();
    graph.exchangeCode.mockRejectedValue(
      new FacebookApiError('rejected', LoginErrorCode.CodeRejected, 'code 100/36009'),
    );
    await service.runExchange(job({}, 0, 5));
    expect(operations.fail).toHaveBeenCalledWith('op', expect.objectContaining({ code: 'code_rejected' }));
  });

  it('ends a malformed answer as facebook_bad_response, without a retry', async () => {
    const { graph, operations, service } = mocks();
    graph.fetchProfile.mockRejectedValue(
      new FacebookApiError('malformed', LoginErrorCode.FacebookBadResponse, 'no id'),
    );
    await service.runExchange(job({}, 0, 5));
    expect(operations.fail).toHaveBeenCalledWith('op', expect.objectContaining({ code: 'facebook_bad_response' }));
  });

  it('retries a database write in place while MySQL is away, then ends ok', async () => {
    const { graph, users, operations, service } = mocks();
    const lost = new QueryFailedError('INSERT', [], Object.assign(new Error('gone'), { code: 'PROTOCOL_CONNECTION_LOST' }));
    users.upsertFromFacebook.mockRejectedValueOnce(lost).mockRejectedValueOnce(lost).mockResolvedValue(7);
    await service.runExchange(job({}, 0, 3));
    expect(graph.exchangeCode).toHaveBeenCalledTimes(1);
    expect(users.upsertFromFacebook).toHaveBeenCalledTimes(3);
    expect(operations.succeed).toHaveBeenCalledWith('op', 7);
    expect(operations.fail).not.toHaveBeenCalled();
  });

  it('hands a database outage past the deadline back to Bull, never ending a good login as error', async () => {
    const { users, operations, service } = mocks();
    operations.findByPublicId.mockResolvedValue({
      publicId: 'op',
      statusId: OperationStatusId.Pending,
      deadlineAt: new Date(Date.now() + 100),
    } as AsyncOperation);
    const lost = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    users.upsertFromFacebook.mockRejectedValue(lost);
    await expect(service.runExchange(job({}, 0, 3))).rejects.toBe(lost);
    expect(operations.fail).not.toHaveBeenCalled();
  });

  it('leaves an operation that already ended alone', async () => {
    const { graph, operations, service } = mocks();
    operations.findByPublicId.mockResolvedValue({
      publicId: 'op',
      statusId: OperationStatusId.Error,
    } as AsyncOperation);
    await service.runExchange(job());
    expect(graph.exchangeCode).not.toHaveBeenCalled();
    expect(operations.recordAttempt).not.toHaveBeenCalled();
  });
});
