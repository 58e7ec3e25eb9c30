import { describe, expect, it } from '@jest/globals';
import type { EmulatorClock } from './emulator.constants';
import { GrantStore } from './grant-store';

describe(GrantStore.name, () => {
  const clock: EmulatorClock & { current: number } = {
    current: 0,
    now() {
      return this.current;
    },
  };

  it('redeems a code once, then revokes what it yielded on a replay', () => {
    const store = new GrantStore<string, string>(clock, 1000);
    store.issueCode('c1', 'grant');
    const first = store.redeemCode('c1');
    if (first.status !== 'fresh') throw new Error('expected a fresh code');
    expect(first.grant).toBe('grant');
    store.issueToken('t1', 'token-grant', 5000, first.ticket);
    store.issueToken('t2', 'unrelated', 5000);
    expect(store.findToken('t1')).toEqual({
      grant: 'token-grant',
      expired: false,
    });

    expect(store.redeemCode('c1')).toEqual({ status: 'replayed' });
    expect(store.findToken('t1')).toBeUndefined();
    expect(store.findToken('t2')).toEqual({
      grant: 'unrelated',
      expired: false,
    });
    expect(store.redeemCode('nope')).toEqual({ status: 'unknown' });
  });

  it('expires codes and tokens by the clock, and spends an expired code', () => {
    clock.current = 0;
    const store = new GrantStore<string, string>(clock, 1000);
    store.issueCode('c', 'g');
    store.issueToken('t', 'g', 2000);
    clock.current = 1000;
    expect(store.redeemCode('c')).toEqual({ status: 'expired', grant: 'g' });
    expect(store.redeemCode('c')).toEqual({ status: 'replayed' });
    clock.current = 2000;
    expect(store.findToken('t')).toEqual({ grant: 'g', expired: true });
  });

  it('forgets codes an hour past expiry, and clear() forgets everything', () => {
    clock.current = 0;
    const store = new GrantStore<string, string>(clock, 1000);
    store.issueCode('old', 'g');
    clock.current = 1000 + 60 * 60 * 1000 + 1;
    store.issueCode('new', 'g');
    expect(store.redeemCode('old')).toEqual({ status: 'unknown' });
    store.issueToken('t', 'g', 1000);
    store.clear();
    expect(store.redeemCode('new')).toEqual({ status: 'unknown' });
    expect(store.findToken('t')).toBeUndefined();
  });
});
