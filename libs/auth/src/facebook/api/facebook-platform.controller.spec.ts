import { BadRequestException } from '@nestjs/common';
import type { ConfigService } from '@nestjs/config';
import type { ApiEnv } from '@app/config';
import { isDependencyUnavailable } from '@app/database';
import type { UsersService } from '@app/users';
import { FacebookPlatformController } from './facebook-platform.controller';
import type { SessionLifecycle } from '../../core/session/session-lifecycle';
import { signRequest } from './signed-request';
import type { SignedRequestLedger } from './signed-request-ledger';

const SECRET = 'platform-secret';

/** SET NX / DEL semantics in memory: enough to show what the controller does with the answers. */
class MemoryLedger {
  readonly claimed = new Set<string>();
  failWith?: Error;
  claim(purpose: string, signedRequest: string): Promise<boolean> {
    if (this.failWith) return Promise.reject(this.failWith);
    const key = `${purpose}:${signedRequest}`;
    if (this.claimed.has(key)) return Promise.resolve(false);
    this.claimed.add(key);
    return Promise.resolve(true);
  }
  release(purpose: string, signedRequest: string): Promise<void> {
    this.claimed.delete(`${purpose}:${signedRequest}`);
    return Promise.resolve();
  }
}

describe(FacebookPlatformController.name, () => {
  let ledger: MemoryLedger;
  let users: { deleteByFacebookId: jest.Mock; findByFacebookId: jest.Mock };
  let controller: FacebookPlatformController;
  const body = () => ({
    signed_request: signRequest(
      { algorithm: 'HMAC-SHA256', user_id: '42', issued_at: Math.floor(Date.now() / 1000) },
      SECRET,
    ),
  });

  beforeEach(() => {
    ledger = new MemoryLedger();
    users = {
      deleteByFacebookId: jest.fn().mockResolvedValue({ confirmationCode: 'c'.repeat(22), deletedUserId: null }),
      findByFacebookId: jest.fn().mockResolvedValue(null),
    };
    const config = { get: (key: string) => ({ FACEBOOK_APP_SECRET: SECRET, PUBLIC_URL: 'http://app.test' })[key] };
    controller = new FacebookPlatformController(
      users as unknown as UsersService,
      { destroyAllFor: jest.fn() } as unknown as SessionLifecycle,
      ledger as unknown as SignedRequestLedger,
      config as unknown as ConfigService<ApiEnv, true>,
    );
  });

  it('takes a signed_request once per callback and refuses the replay before doing anything', async () => {
    const request = body();
    await controller.dataDeletion(request);
    await expect(controller.dataDeletion(request)).rejects.toThrow(BadRequestException);
    expect(users.deleteByFacebookId).toHaveBeenCalledTimes(1);

    await controller.deauthorize(request);
    await expect(controller.deauthorize(request)).rejects.toThrow(/already used/);
    expect(users.findByFacebookId).toHaveBeenCalledTimes(1);
  });

  it('gives the claim back when the work fails, so the retry goes through', async () => {
    const request = body();
    const mysqlAway = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    users.deleteByFacebookId.mockRejectedValueOnce(mysqlAway);
    await expect(controller.dataDeletion(request)).rejects.toBe(mysqlAway);
    await expect(controller.dataDeletion(request)).resolves.toMatchObject({ confirmation_code: 'c'.repeat(22) });
  });

  it('lets a Redis outage through as a dependency error (answered 503) and changes nothing', async () => {
    ledger.failWith = new Error("Stream isn't writeable and enableOfflineQueue options is false");
    const error: unknown = await controller.dataDeletion(body()).catch((e: unknown) => e);
    expect(isDependencyUnavailable(error)).toBe(true);
    expect(users.deleteByFacebookId).not.toHaveBeenCalled();
  });

  it('checks the signature before it asks Redis', async () => {
    ledger.failWith = new Error('Redis must not be asked');
    await expect(controller.deauthorize({ signed_request: 'forged.request' })).rejects.toThrow(BadRequestException);
  });
});
