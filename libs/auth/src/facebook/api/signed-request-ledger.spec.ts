import type { ConfigService } from '@nestjs/config';
import type { BaseEnv } from '@app/config';
import type Redis from 'ioredis';
import { SIGNED_REQUEST_MAX_AGE_S, signRequest } from './signed-request';
import { SignedRequestLedger } from './signed-request-ledger';

describe(SignedRequestLedger.name, () => {
  const now = Math.floor(Date.now() / 1000);
  const payload = { algorithm: 'HMAC-SHA256', user_id: '42', issued_at: now - 600 };
  const request = signRequest(payload, 'ledger-secret');
  const config = { get: () => 'afl-test' } as unknown as ConfigService<BaseEnv, true>;

  it('claims with SET NX PX until the request would expire anyway, under the install prefix', async () => {
    const set = jest.fn().mockResolvedValueOnce('OK').mockResolvedValueOnce(null);
    const ledger = new SignedRequestLedger({ set } as unknown as Redis, config);
    expect(await ledger.claim('deauthorize', request, payload)).toBe(true);
    expect(await ledger.claim('deauthorize', request, payload)).toBe(false);

    const [key, value, px, ttl, nx] = set.mock.calls[0] as [string, string, string, number, string];
    expect(key).toMatch(/^afl-test:signed-request:deauthorize:[A-Za-z0-9_-]{43}$/);
    expect([value, px, nx]).toEqual(['1', 'PX', 'NX']);
    const left = (SIGNED_REQUEST_MAX_AGE_S - 600) * 1000;
    expect(ttl).toBeGreaterThan(left - 5000);
    expect(ttl).toBeLessThanOrEqual(left + 1000);
  });

  it('keeps callbacks apart and releases a claim', async () => {
    const set = jest.fn().mockResolvedValue('OK');
    const del = jest.fn().mockResolvedValue(1);
    const ledger = new SignedRequestLedger({ set, del } as unknown as Redis, config);
    await ledger.claim('data-deletion', request, payload);
    await ledger.claim('deauthorize', request, payload);
    const [deletionKey, deauthorizeKey] = set.mock.calls.map((call) => (call as string[])[0]);
    expect(deletionKey).not.toBe(deauthorizeKey);
    await ledger.release('data-deletion', request);
    expect(del).toHaveBeenCalledWith(deletionKey);
  });
});
