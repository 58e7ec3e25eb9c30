import { assertValidIdentity, linkDecision, matchableEmail, orderProviders } from './provider-identity';

describe(assertValidIdentity.name, () => {
  it.each([
    ['a Facebook app-scoped id', 'facebook', '10000000000000001'],
    ["Google's decimal sub", 'google', '108000000000000000001'],
    ['a case-sensitive opaque sub of 255 characters', 'some-idp', 'aB'.repeat(127) + 'Z'],
    ['punctuation', 'auth0', 'google-oauth2|1234'],
  ])('accepts %s', (_label, provider, subject) => {
    expect(() => assertValidIdentity({ provider, subject })).not.toThrow();
  });

  it.each([
    ['an upper-case provider', 'Google', '1'],
    ['an empty provider', '', '1'],
    ['a provider longer than its column', 'p'.repeat(33), '1'],
    ['an empty subject', 'google', ''],
    ['a subject with a space', 'google', '1 2'],
    ['a non-ASCII subject', 'google', 'zoë'],
    ['a subject longer than 255', 'google', '1'.repeat(256)],
    ['a Facebook id longer than facebook_id holds', 'facebook', '1'.repeat(65)],
  ])('refuses %s', (_label, provider, subject) => {
    expect(() => assertValidIdentity({ provider, subject })).toThrow(/Invalid/);
  });
});

describe(matchableEmail.name, () => {
  it('matches an e-mail as given, and nothing for none or a blank one', () => {
    expect(matchableEmail('Ada@Example.com')).toBe('Ada@Example.com');
    expect(matchableEmail(null)).toBeNull();
    expect(matchableEmail(undefined)).toBeNull();
    expect(matchableEmail('  ')).toBeNull();
  });
});

describe(orderProviders.name, () => {
  it('puts facebook first, then the others by id, each once', () => {
    expect(orderProviders(['google', 'facebook'])).toEqual(['facebook', 'google']);
    expect(orderProviders(['zeta', 'apple', 'google', 'apple'])).toEqual(['apple', 'google', 'zeta']);
    expect(orderProviders(['facebook'])).toEqual(['facebook']);
    expect(orderProviders([])).toEqual([]);
  });
});

describe(linkDecision.name, () => {
  const SUB = '108000000000000000001';

  it('links an identity nobody has to a profile without one at that provider', () => {
    expect(linkDecision([], 7, SUB)).toBe('link');
  });

  it('changes nothing when the profile already has this identity', () => {
    expect(
      linkDecision(
        [
          { userProfileId: 7, subject: SUB },
          { userProfileId: 7, subject: SUB },
        ],
        7,
        SUB,
      ),
    ).toBe('already-linked');
  });

  it("refuses another profile's identity, even when this profile has none at the provider", () => {
    expect(linkDecision([{ userProfileId: 8, subject: SUB }], 7, SUB)).toBe('owned-by-another');
  });

  it('refuses a second identity at one provider', () => {
    expect(linkDecision([{ userProfileId: 7, subject: '108000000000000000002' }], 7, SUB)).toBe('profile-has-another');
  });

  it('compares subjects exactly (an OIDC sub is case-sensitive)', () => {
    expect(linkDecision([{ userProfileId: 8, subject: 'abc' }], 7, 'ABC')).toBe('link');
  });
});
