import type { ConfigService } from '@nestjs/config';
import { ProviderExchanges } from '../../core/worker/provider-exchange';
import { ReasonCode } from '../../core/reason-codes';
import { FacebookApiError } from './facebook-api.error';
import { FacebookExchange } from './facebook.exchange';
import type { FacebookGraphClient, GrantedPermissions } from './facebook-graph.client';

/** One Graph call's time in these tests (FACEBOOK_TIMEOUT_MS). */
const CALL_MS = 1000;
const PROFILE = { facebookId: '1', firstName: 'A', lastName: 'B', email: null, pictureUrl: null };
const PERMISSIONS: GrantedPermissions = { granted: ['public_profile'], declined: ['email'] };

function exchangeOver(graph: Partial<Record<'fetchProfile' | 'fetchPermissions', jest.Mock>>) {
  const settings: Record<string, unknown> = { FACEBOOK_TIMEOUT_MS: CALL_MS, FACEBOOK_APP_SECRET: 's' };
  const config = { get: (key: string) => settings[key] } as unknown as ConfigService<never, true>;
  return new FacebookExchange(graph as unknown as FacebookGraphClient, new ProviderExchanges(), config);
}

const fail = (kind: 'transient' | 'rejected', message: string) =>
  new FacebookApiError(kind, kind === 'transient' ? ReasonCode.ProviderUnavailable : ReasonCode.ProviderError, message);

describe(FacebookExchange.name, () => {
  afterEach(() => jest.useRealTimers());

  it('reads /me and /me/permissions at once: identify takes one call, not two in a row', async () => {
    jest.useFakeTimers();
    const started = new Set<string>();
    let bothStarted: () => void;
    const barrier = new Promise<void>((resolve) => (bothStarted = resolve));
    // Each call answers one call's time after it started, and only once the other one has started too.
    const call =
      <T>(name: string, answer: T) =>
      async (): Promise<T> => {
        started.add(name);
        if (started.size === 2) bothStarted();
        await Promise.all([barrier, new Promise((resolve) => setTimeout(resolve, CALL_MS))]);
        return answer;
      };
    const graph = {
      fetchProfile: jest.fn(call('profile', PROFILE)),
      fetchPermissions: jest.fn(call('permissions', PERMISSIONS)),
    };
    let identity: unknown;
    const identifying = exchangeOver(graph)
      .identify('EAA-token', {}, {})
      .then((value) => (identity = value));

    await jest.advanceTimersByTimeAsync(0);
    expect([...started].sort()).toEqual(['permissions', 'profile']);
    await jest.advanceTimersByTimeAsync(CALL_MS);
    expect(identity).toEqual({
      provider: 'facebook',
      subject: '1',
      firstName: 'A',
      lastName: 'B',
      email: null,
      pictureUrl: null,
      declinedPermissions: ['email'],
      grantedPermissions: ['public_profile'],
    });
    await identifying;
    expect(graph.fetchProfile).toHaveBeenCalledWith('EAA-token', {});
    expect(graph.fetchPermissions).toHaveBeenCalledWith('EAA-token', {});
  });

  // An unhandled rejection fails this test by itself: jest reports one from the test file's code
  // as an error of the running test (a listener on `process` here would never hear it).
  it("fails with /me's error when both fail, leaving no rejection unhandled", async () => {
    {
      const meError = fail('rejected', 'me');
      // /me/permissions fails first: still /me's error is told, as when /me came first.
      const exchange = exchangeOver({
        fetchProfile: jest.fn(() => new Promise((_resolve, reject) => setTimeout(() => reject(meError), 20))),
        fetchPermissions: jest.fn().mockRejectedValue(fail('transient', 'permissions')),
      });
      await expect(exchange.identify('t', {}, {})).rejects.toBe(meError);
      // And /me failing first, /me/permissions after: nobody awaits the second.
      const late = exchangeOver({
        fetchProfile: jest.fn().mockRejectedValue(meError),
        fetchPermissions: jest.fn(
          () => new Promise((_resolve, reject) => setTimeout(() => reject(fail('transient', 'late')), 20)),
        ),
      });
      await expect(late.identify('t', {}, {})).rejects.toBe(meError);
      // Long enough for the late rejection to happen while this test still runs.
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });

  it("fails with /me/permissions' own classified error when only it fails and /me gave no e-mail (a 5xx is worth a retry)", async () => {
    const error = fail('transient', 'permissions 500');
    const exchange = exchangeOver({
      fetchProfile: jest.fn().mockResolvedValue(PROFILE),
      fetchPermissions: jest.fn().mockRejectedValue(error),
    });
    await expect(exchange.identify('t', {}, {})).rejects.toBe(error);
    expect(error).toMatchObject({ retryable: true, reason: ReasonCode.ProviderUnavailable });
  });

  it('signs in with an e-mail from /me when only /me/permissions fails, without the lists (the stored ones stay)', async () => {
    const exchange = exchangeOver({
      fetchProfile: jest.fn().mockResolvedValue({ ...PROFILE, email: 'a@example.com' }),
      fetchPermissions: jest.fn().mockRejectedValue(fail('transient', 'permissions 500')),
    });
    const identity = await exchange.identify('t', {}, {});
    expect(identity).toMatchObject({ provider: 'facebook', subject: '1', email: 'a@example.com' });
    expect(identity).not.toHaveProperty('declinedPermissions');
    expect(identity).not.toHaveProperty('grantedPermissions');
  });

  it('leaves declinedPermissions out when /me/permissions said nothing usable (the stored list stays)', async () => {
    const exchange = exchangeOver({
      fetchProfile: jest.fn().mockResolvedValue(PROFILE),
      fetchPermissions: jest.fn().mockResolvedValue(undefined),
    });
    const identity = await exchange.identify('t', {}, {});
    expect(identity).not.toHaveProperty('declinedPermissions');
    expect(identity).toMatchObject({ provider: 'facebook', subject: '1', email: null });
  });
});
