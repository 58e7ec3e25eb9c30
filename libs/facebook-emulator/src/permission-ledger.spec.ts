import { PermissionLedger } from './permission-ledger';

describe('PermissionLedger', () => {
  it('knows nothing of a person who never answered', () => {
    expect(new PermissionLedger().get('1', '2')).toEqual({ granted: [], declined: [] });
  });

  it('remembers what was granted and declined, per user and app', () => {
    const ledger = new PermissionLedger();
    expect(ledger.record('app', '10', ['public_profile'], ['email'])).toEqual({
      granted: ['public_profile'],
      declined: ['email'],
    });
    expect(ledger.get('app', '10')).toEqual({ granted: ['public_profile'], declined: ['email'] });
    expect(ledger.get('other-app', '10')).toEqual({ granted: [], declined: [] });
    expect(ledger.get('app', '11')).toEqual({ granted: [], declined: [] });
  });

  it('a later grant clears the decline, and a later decline the grant', () => {
    const ledger = new PermissionLedger();
    ledger.record('app', '10', ['public_profile'], ['email']);
    expect(ledger.record('app', '10', ['email'], [])).toEqual({ granted: ['public_profile', 'email'], declined: [] });
    expect(ledger.record('app', '10', [], ['email'])).toEqual({ granted: ['public_profile'], declined: ['email'] });
  });

  it('public_profile cannot be declined', () => {
    const ledger = new PermissionLedger();
    expect(ledger.record('app', '10', [], ['public_profile'])).toEqual({ granted: ['public_profile'], declined: [] });
  });

  it('forgets a deleted user, and everything on clear()', () => {
    const ledger = new PermissionLedger();
    ledger.record('app', '10', [], ['email']);
    ledger.record('app', '110', [], ['email']);
    ledger.forgetUser('10');
    expect(ledger.get('app', '10').declined).toEqual([]);
    expect(ledger.get('app', '110').declined).toEqual(['email']);
    ledger.clear();
    expect(ledger.get('app', '110').declined).toEqual([]);
  });
});
