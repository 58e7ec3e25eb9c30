import { ConfigService } from '@nestjs/config';
import { QueryFailedError } from 'typeorm';
import { AsyncOperation, AsyncOperationsService, OperationStatusId } from '@app/async-operations';
import type { OperationHistoryService } from '@app/async-operations/history';
import { toUserView, type UserProfile, type UsersService } from '@app/users';
import { ExchangeAbortedError, type ExchangeJobData, type ExchangeJobHandle } from '../queue/exchange-job';
import type { ExchangeLease } from './exchange-lease';
import { FacebookApiError } from '../../facebook/worker/facebook-api.error';
import { FacebookGraphClient } from '../../facebook/worker/facebook-graph.client';
import { FacebookExchange } from '../../facebook/worker/facebook.exchange';
import { ProviderExchanges } from './provider-exchange';
import { ExchangeService } from './exchange.service';
import { ReasonCode } from '../reason-codes';
import type { SessionSignIn, SessionSignInResult } from '../session/session-sign-in';
import { TokenCipher } from './token-cipher';

const APP_SECRET = 'unit-app-secret';
const CALL_TIMEOUT_MS = 1000;
const PROFILE = Object.freeze({ facebookId: '42', firstName: 'Ada', lastName: 'L', email: null });
/** What the Facebook provider makes of PROFILE: the identity the core writes. */
const IDENTITY = Object.freeze({
  provider: 'facebook',
  subject: '42',
  firstName: 'Ada',
  lastName: 'L',
  email: null,
  declinedPermissions: [],
  grantedPermissions: ['public_profile'],
});
const CONFIG: Record<string, unknown> = {
  FACEBOOK_APP_SECRET: APP_SECRET,
  FACEBOOK_TIMEOUT_MS: CALL_TIMEOUT_MS,
  LOGIN_DEADLINE_MS: 60_000,
};

const USER = { id: 7, publicId: 'user-public-id', firstName: 'Ada', lastName: 'L', email: null } as UserProfile;

const pendingOperation = (deadlineInMs = 60_000) =>
  ({
    publicId: 'op',
    statusId: OperationStatusId.Pending,
    createdAt: new Date(),
    sessionIdHash: 'h',
    deadlineAt: new Date(Date.now() + deadlineInMs),
  }) as AsyncOperation;

function mocks() {
  const graph = {
    exchangeCode: jest.fn<Promise<string>, [string, string, { timeoutMs?: number }?]>().mockResolvedValue('EAA-token'),
    fetchProfile: jest.fn<Promise<typeof PROFILE>, [string, unknown?]>().mockResolvedValue(PROFILE),
    fetchPermissions: jest.fn().mockResolvedValue({ granted: ['public_profile'], declined: [] }),
  };
  const users = {
    signInWithIdentity: jest.fn().mockResolvedValue(7),
    viewOf: jest.fn().mockResolvedValue(toUserView(USER)),
    findById: jest.fn().mockResolvedValue({ ...USER, firstName: 'Grace', lastName: 'Hopper', email: 'g@example.net' }),
  };
  const operations = {
    findByPublicId: jest.fn<Promise<AsyncOperation | null>, [string]>().mockResolvedValue(pendingOperation()),
    recordAttempt: jest.fn().mockResolvedValue(undefined),
    startAttempt: jest.fn().mockResolvedValue(true),
    succeed: jest.fn().mockResolvedValue(true),
    fail: jest.fn().mockResolvedValue(true),
  };
  const sessions = { signIn: jest.fn<Promise<SessionSignInResult>, [unknown]>().mockResolvedValue('signed-in') };
  const history = { claimFailuresOfSession: jest.fn().mockResolvedValue(undefined) };
  // The lease itself is Redis (tested in the fault suite); here it just runs the work.
  const leaseLost = new AbortController();
  const lease = {
    hold: jest.fn(
      (_id: string, _until: Date, work: (signal: AbortSignal, lease: { waited: boolean }) => Promise<unknown>) =>
        work(leaseLost.signal, { waited: false }),
    ),
  };
  const config = { get: (key: string) => CONFIG[key] } as unknown as ConfigService<never, true>;
  // The core runs the job through a real provider (Facebook's), over a mocked Graph client.
  const providers = new ProviderExchanges();
  new FacebookExchange(graph as unknown as FacebookGraphClient, providers, config).onModuleInit();
  const service = new ExchangeService(
    providers,
    users as unknown as UsersService,
    operations as unknown as AsyncOperationsService,
    lease as unknown as ExchangeLease,
    sessions as unknown as SessionSignIn,
    history as unknown as OperationHistoryService,
    config,
  );
  return { graph, users, operations, lease, leaseLost, sessions, history, service };
}

function job(data: Partial<ExchangeJobData> = {}, attemptsMade = 0, maxAttempts = 3) {
  const handle: ExchangeJobHandle & { updates: ExchangeJobData[] } = {
    data: { operationId: 'op', provider: 'facebook', code: 'the-code', codeVerifier: 'the-verifier', ...data },
    attemptsMade,
    maxAttempts,
    updates: [],
    update: jest.fn(async (next: ExchangeJobData) => {
      handle.updates.push(next);
    }),
    reload: jest.fn(async () => handle.updates.at(-1) ?? handle.data),
  };
  return handle;
}

const transient = (codeFate: 'untouched' | 'unknown' = 'untouched') =>
  new FacebookApiError('transient', ReasonCode.ProviderUnavailable, 'HTTP 503', { codeFate });
const codeUsed = () =>
  new FacebookApiError('rejected', ReasonCode.CodeRejected, 'code 100/36009', { facebookCode: 100, subcode: 36009 });
const sealed = (token: string, operationId = 'op') => new TokenCipher(APP_SECRET).encrypt(token, operationId);

describe(ExchangeService.name, () => {
  it('exchanges, reads /me, upserts and ends the operation ok, all under the lease', async () => {
    const { graph, users, operations, lease, service } = mocks();
    await expect(service.runExchange(job())).resolves.toBe('ok');
    expect(lease.hold).toHaveBeenCalledWith('op', expect.any(Date), expect.any(Function), expect.any(Function));
    // An ended operation's lease is left to lapse: no run of it asks again.
    const settled = (lease.hold.mock.calls[0] as unknown[])[3] as (outcome: string) => boolean;
    expect(settled('ok')).toBe(true);
    expect(graph.exchangeCode).toHaveBeenCalledWith('the-code', 'the-verifier', expect.any(Object));
    expect(graph.fetchProfile).toHaveBeenCalledWith('EAA-token', expect.any(Object));
    expect(graph.fetchPermissions).toHaveBeenCalledWith('EAA-token', expect.any(Object));
    expect(users.signInWithIdentity).toHaveBeenCalledWith(IDENTITY, { linkTo: undefined });
    expect(operations.recordAttempt).toHaveBeenCalledWith('op');
    expect(operations.succeed).toHaveBeenCalledWith(
      expect.objectContaining({ publicId: 'op' }),
      7,
      expect.any(Function),
    );
    expect(operations.fail).not.toHaveBeenCalled();
  });

  it('hands over what /me/permissions says was declined, with the picture /me gave', async () => {
    const { graph, users, service } = mocks();
    graph.fetchProfile.mockResolvedValueOnce({ ...PROFILE, pictureUrl: 'https://p.test/1.jpg' } as typeof PROFILE);
    graph.fetchPermissions.mockResolvedValueOnce({ granted: ['public_profile'], declined: ['email'] });
    await expect(service.runExchange(job())).resolves.toBe('ok');
    expect(users.signInWithIdentity).toHaveBeenCalledWith(
      { ...IDENTITY, declinedPermissions: ['email'], pictureUrl: 'https://p.test/1.jpg' },
      { linkTo: undefined },
    );
  });

  describe('signing the session in, between the committed ok and its announcement', () => {
    const announced = async (data: Partial<ExchangeJobData>, setup?: (m: ReturnType<typeof mocks>) => void) => {
      const m = mocks();
      setup?.(m);
      await m.service.runExchange(job(data));
      const beforeAnnouncing = m.operations.succeed.mock.calls[0][2] as () => Promise<unknown>;
      return { ...m, extra: await beforeAnnouncing() };
    };
    const current = { sessionId: 'sid', createdAt: Date.now(), deadlineAt: Date.now() + 60_000, sessionIdHash: 'h' };

    it('announces a linked person as their profile is stored, not with the names of the provider just linked', async () => {
      const { sessions, users, extra } = await announced({ ...current, linkTo: 7 });
      expect(users.signInWithIdentity).toHaveBeenCalledWith(IDENTITY, { linkTo: 7 });
      const stored = {
        id: 'user-public-id',
        firstName: 'Grace',
        lastName: 'Hopper',
        email: 'g@example.net',
        declined: [],
        pictureUrl: null,
      };
      expect(sessions.signIn).toHaveBeenCalledWith(expect.objectContaining({ userId: 7, profile: stored }));
      expect(extra).toEqual({ user: stored });
    });

    it('signs in the session the callback issued and announces the user', async () => {
      const { sessions, history, extra, operations } = await announced(current);
      expect(sessions.signIn).toHaveBeenCalledWith({
        sessionId: 'sid',
        operationId: 'op',
        userId: 7,
        profile: { id: 'user-public-id', firstName: 'Ada', lastName: 'L', email: null, declined: [], pictureUrl: null },
      });
      expect(extra).toEqual({
        user: { id: 'user-public-id', firstName: 'Ada', lastName: 'L', email: null, declined: [], pictureUrl: null },
      });
      expect(history.claimFailuresOfSession).not.toHaveBeenCalled();
      // The job told it all it needs of the operation: one UPDATE, no read.
      expect(operations.startAttempt).toHaveBeenCalledWith('op');
      expect(operations.findByPublicId).not.toHaveBeenCalled();
    });

    it("claims the session's earlier failures first, when the job says it has some", async () => {
      const { history, sessions } = await announced({ ...current, earlierFailures: true });
      expect(history.claimFailuresOfSession).toHaveBeenCalledWith('h', 7);
      expect(history.claimFailuresOfSession.mock.invocationCallOrder[0]).toBeLessThan(
        sessions.signIn.mock.invocationCallOrder[0],
      );
    });

    it.each<SessionSignInResult>(['no-session', 'not-this-operation'])(
      'announces ok without a user when the session was not signed in (%s)',
      async (result) => {
        const { extra } = await announced(current, (m) => m.sessions.signIn.mockResolvedValue(result));
        expect(extra).toEqual({});
      },
    );

    it('leaves a job queued by an older version (no session id) to the API', async () => {
      const { sessions, extra } = await announced({});
      expect(sessions.signIn).not.toHaveBeenCalled();
      expect(extra).toEqual({});
    });

    it('does nothing when the operation has already ended (the UPDATE that counts the attempt finds it ended)', async () => {
      const { graph, operations, service } = mocks();
      operations.startAttempt.mockResolvedValue(false);
      await expect(service.runExchange(job(current))).resolves.toBe('already-ended');
      expect(graph.exchangeCode).not.toHaveBeenCalled();
    });
  });

  it('gives the token call the time up to the deadline, not FACEBOOK_TIMEOUT_MS', async () => {
    const { graph, service } = mocks();
    await service.runExchange(job());
    const [, , options] = graph.exchangeCode.mock.calls[0];
    // 60 s deadline, minus a /me call and the writes.
    expect(options!.timeoutMs).toBeGreaterThan(55_000);
  });

  it('marks the code as sent before the call, then keeps only a token sealed to its operation', async () => {
    const { graph, service } = mocks();
    const handle = job();
    graph.exchangeCode.mockImplementation(async () => {
      expect(handle.updates).toEqual([expect.objectContaining({ code: 'the-code', codeSentAt: expect.any(Number) })]);
      return 'EAA-token';
    });
    await service.runExchange(handle);
    expect(handle.updates).toHaveLength(2);
    const saved = handle.updates[1];
    expect(saved).not.toHaveProperty('code');
    expect(saved).not.toHaveProperty('codeVerifier');
    expect(JSON.stringify(saved)).not.toContain('EAA-token');
    expect(new TokenCipher(APP_SECRET).decrypt(saved.sealedToken!, 'op')).toBe('EAA-token');
  });

  it('resumes a retry from the sealed token without spending the code again', async () => {
    const { graph, operations, service } = mocks();
    await service.runExchange(job({ code: undefined, codeVerifier: undefined, sealedToken: sealed('EAA-kept') }, 1));
    expect(graph.exchangeCode).not.toHaveBeenCalled();
    expect(graph.fetchProfile).toHaveBeenCalledWith('EAA-kept', expect.any(Object));
    expect(operations.succeed).toHaveBeenCalled();
  });

  it('refuses a sealed token that belongs to another operation', async () => {
    const { graph, service } = mocks();
    const handle = job({ code: undefined, codeVerifier: undefined, sealedToken: sealed('EAA-other', 'another-op') }, 1);
    await expect(service.runExchange(handle)).rejects.toThrow();
    expect(graph.fetchProfile).not.toHaveBeenCalled();
  });

  it('after waiting for the lease, resumes from what the run before it saved', async () => {
    const { graph, lease, operations, service } = mocks();
    lease.hold.mockImplementation((_id, _until, work) => work(new AbortController().signal, { waited: true }));
    const handle = job({ codeSentAt: Date.now() - 5000 });
    (handle.reload as jest.Mock).mockResolvedValue({
      operationId: 'op',
      sealedToken: sealed('EAA-from-the-first-run'),
    });
    await expect(service.runExchange(handle)).resolves.toBe('ok');
    expect(graph.exchangeCode).not.toHaveBeenCalled();
    expect(graph.fetchProfile).toHaveBeenCalledWith('EAA-from-the-first-run', expect.any(Object));
    expect(operations.succeed).toHaveBeenCalled();
  });

  it('hands a transient failure back to Bull while attempts remain', async () => {
    const { graph, operations, service } = mocks();
    graph.exchangeCode.mockRejectedValue(transient());
    await expect(service.runExchange(job({}, 0, 3))).rejects.toBeInstanceOf(FacebookApiError);
    expect(operations.fail).not.toHaveBeenCalled();
  });

  it('clears the sent mark when Facebook proves it did not take the code', async () => {
    const { graph, service } = mocks();
    const handle = job();
    graph.exchangeCode.mockRejectedValue(transient('untouched'));
    await expect(service.runExchange(handle)).rejects.toBeInstanceOf(FacebookApiError);
    expect(handle.updates.at(-1)).not.toHaveProperty('codeSentAt');
    expect(handle.updates.at(-1)).toMatchObject({ code: 'the-code' });
  });

  it('keeps the sent mark when the code may have been spent (a timeout, a dropped connection)', async () => {
    const { graph, service } = mocks();
    const handle = job();
    graph.exchangeCode.mockRejectedValue(transient('unknown'));
    await expect(service.runExchange(handle)).rejects.toBeInstanceOf(FacebookApiError);
    expect(handle.updates).toHaveLength(1);
    expect(handle.updates[0]).toHaveProperty('codeSentAt');
  });

  it('ends as provider_timeout, never code_rejected, when a retry finds the code spent by our own earlier call', async () => {
    const { graph, operations, service } = mocks();
    graph.exchangeCode.mockRejectedValue(codeUsed());
    await service.runExchange(job({ codeSentAt: Date.now() - 2000 }, 1, 5));
    expect(operations.fail).toHaveBeenCalledWith(expect.anything(), {
      code: 'provider_timeout',
      message: 'Facebook took too long to answer; please try again.',
    });
  });

  it('ends as code_rejected at once when the very first presentation is refused (someone else used it)', async () => {
    const { graph, operations, service } = mocks();
    graph.exchangeCode.mockRejectedValue(codeUsed());
    await service.runExchange(job({}, 0, 5));
    expect(operations.fail).toHaveBeenCalledWith(expect.anything(), expect.objectContaining({ code: 'code_rejected' }));
  });

  it('does not start a token call it has no time left for', async () => {
    const { graph, operations, service } = mocks();
    operations.findByPublicId.mockResolvedValue(pendingOperation(CALL_TIMEOUT_MS / 2));
    await service.runExchange(job({ codeSentAt: Date.now() - 20_000 }, 1, 5));
    expect(graph.exchangeCode).not.toHaveBeenCalled();
    expect(operations.fail).toHaveBeenCalledWith(
      expect.anything(),
      expect.objectContaining({ code: 'provider_timeout' }),
    );
  });

  it('ends as provider_unavailable when the last attempt fails transiently', async () => {
    const { graph, operations, service } = mocks();
    graph.exchangeCode.mockRejectedValue(transient());
    await service.runExchange(job({}, 2, 3));
    expect(operations.fail).toHaveBeenCalledWith(expect.anything(), {
      code: 'provider_unavailable',
      message: expect.any(String),
    });
  });

  it('carries on with the token in hand when saving it to the job fails, retrying /me in place', async () => {
    const { graph, operations, service } = mocks();
    const handle = job();
    (handle.update as jest.Mock).mockResolvedValueOnce(undefined).mockRejectedValue(new Error('Redis went away'));
    graph.fetchProfile.mockRejectedValueOnce(transient()).mockResolvedValue(PROFILE);
    await expect(service.runExchange(handle)).resolves.toBe('ok');
    expect(graph.exchangeCode).toHaveBeenCalledTimes(1);
    expect(graph.fetchProfile).toHaveBeenCalledTimes(2);
    expect(operations.succeed).toHaveBeenCalled();
  });

  it('stops before /me when the job lock was lost, never ending the operation itself', async () => {
    const { graph, operations, service } = mocks();
    const lockLost = new AbortController();
    const handle = { ...job(), signal: lockLost.signal };
    graph.exchangeCode.mockImplementation(async () => {
      lockLost.abort(new ExchangeAbortedError("lost the job's lock"));
      return 'EAA-token';
    });
    await expect(service.runExchange(handle)).rejects.toBeInstanceOf(ExchangeAbortedError);
    // The token it got is saved, so the run that takes over resumes from it.
    expect(handle.data.sealedToken).toBeDefined();
    expect(graph.fetchProfile).not.toHaveBeenCalled();
    expect(operations.fail).not.toHaveBeenCalled();
  });

  it('does not log or count ok when another run ended the operation first', async () => {
    const { operations, service } = mocks();
    operations.succeed.mockResolvedValue(false);
    await expect(service.runExchange(job())).resolves.toBe('already-ended');
  });

  it('ends at once, without a retry, when Facebook rejects the code for another reason', async () => {
    const { graph, operations, service } = mocks();
    graph.exchangeCode.mockRejectedValue(
      new FacebookApiError('rejected', ReasonCode.CodeRejected, 'code 100/36007 expired', {
        facebookCode: 100,
        subcode: 36007,
      }),
    );
    await service.runExchange(job({ codeSentAt: Date.now() }, 1, 5));
    expect(operations.fail).toHaveBeenCalledWith(expect.anything(), expect.objectContaining({ code: 'code_rejected' }));
  });

  it('ends a malformed answer as provider_bad_response, without a retry', async () => {
    const { graph, operations, service } = mocks();
    graph.fetchProfile.mockRejectedValue(new FacebookApiError('malformed', ReasonCode.ProviderBadResponse, 'no id'));
    await service.runExchange(job({}, 0, 5));
    expect(operations.fail).toHaveBeenCalledWith(
      expect.anything(),
      expect.objectContaining({ code: 'provider_bad_response' }),
    );
  });

  it('retries a database write in place while MySQL is away, then ends ok', async () => {
    const { graph, users, operations, service } = mocks();
    const lost = new QueryFailedError(
      'INSERT',
      [],
      Object.assign(new Error('gone'), { code: 'PROTOCOL_CONNECTION_LOST' }),
    );
    users.signInWithIdentity.mockRejectedValueOnce(lost).mockRejectedValueOnce(lost).mockResolvedValue(7);
    await service.runExchange(job({}, 0, 3));
    expect(graph.exchangeCode).toHaveBeenCalledTimes(1);
    expect(users.signInWithIdentity).toHaveBeenCalledTimes(3);
    expect(operations.succeed).toHaveBeenCalledWith(expect.anything(), 7, expect.any(Function));
    expect(operations.fail).not.toHaveBeenCalled();
  });

  it('hands a database outage past the deadline back to Bull, never ending a good login as error', async () => {
    const { users, operations, service } = mocks();
    const lost = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    users.signInWithIdentity.mockImplementation(async () => {
      operations.findByPublicId.mockResolvedValue(pendingOperation(100));
      throw lost;
    });
    operations.findByPublicId.mockResolvedValue(pendingOperation(CALL_TIMEOUT_MS * 3));
    const handle = job({ code: undefined, codeVerifier: undefined, sealedToken: sealed('EAA') }, 0, 3);
    await expect(service.runExchange(handle)).rejects.toBe(lost);
    expect(operations.fail).not.toHaveBeenCalled();
  });

  it('leaves an operation that already ended alone', async () => {
    const { graph, operations, service } = mocks();
    operations.findByPublicId.mockResolvedValue({
      publicId: 'op',
      statusId: OperationStatusId.Error,
    } as AsyncOperation);
    await expect(service.runExchange(job())).resolves.toBe('already-ended');
    expect(graph.exchangeCode).not.toHaveBeenCalled();
    expect(operations.recordAttempt).not.toHaveBeenCalled();
  });

  describe('giveUp', () => {
    it('ends a still-pending operation with the reason of the last failure', async () => {
      const { operations, service } = mocks();
      await service.giveUp({ operationId: 'op', provider: 'facebook' }, transient());
      expect(operations.fail).toHaveBeenCalledWith(
        expect.objectContaining({ publicId: 'op' }),
        expect.objectContaining({ code: 'provider_unavailable' }),
      );
    });

    it('never throws while MySQL is down (the sweeper ends the operation later)', async () => {
      const { operations, service } = mocks();
      operations.findByPublicId.mockRejectedValue(
        Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      );
      await expect(service.giveUp({ operationId: 'op', provider: 'facebook' }, transient())).resolves.toBeUndefined();
    });

    it('leaves an aborted run to the run that took over', async () => {
      const { operations, service } = mocks();
      await service.giveUp({ operationId: 'op', provider: 'facebook' }, new ExchangeAbortedError('lost the lock'));
      expect(operations.findByPublicId).not.toHaveBeenCalled();
    });
  });
});
