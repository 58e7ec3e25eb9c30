import { adminCredentials, basicAuthMatches } from './admin-credentials';

const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;

describe(basicAuthMatches.name, () => {
  const credentials = { user: 'support', password: 'pa:ss word with: colons' };

  it('accepts the right user and password (the password may hold colons)', () => {
    expect(basicAuthMatches(basic('support:pa:ss word with: colons'), credentials)).toBe(true);
  });

  it.each([
    ['no header', undefined],
    ['another scheme', 'Bearer x'],
    ['no colon', basic('support')],
    ['a wrong password', basic('support:pa:ss word with: colon')],
    ['a wrong user', basic('Support:pa:ss word with: colons')],
    ['garbage', 'Basic !!!'],
  ])('refuses %s', (_what, header) => {
    expect(basicAuthMatches(header, credentials)).toBe(false);
  });
});

describe(adminCredentials.name, () => {
  it('is off unless both are set', () => {
    expect(adminCredentials({})).toBeNull();
    expect(adminCredentials({ ADMIN_USER: 'a' })).toBeNull();
    expect(adminCredentials({ ADMIN_USER: 'a', ADMIN_PASSWORD: 'b' })).toEqual({
      user: 'a',
      password: 'b',
    });
  });
});
