import { describe, expect, it } from '@jest/globals';
import {
  accessTokenHash,
  newGoogleAccessToken,
  newGoogleAuthorizationCode,
  parseBasicAuthorization,
} from './google-crypto';

const basic = (raw: string) => `Basic ${Buffer.from(raw).toString('base64')}`;

describe(parseBasicAuthorization.name, () => {
  it('reads form-urlencoded id and secret', () => {
    expect(parseBasicAuthorization(basic('my%20id:s%3Acret+x'))).toEqual({
      clientId: 'my id',
      clientSecret: 's:cret x',
    });
    expect(parseBasicAuthorization(basic('id:'))).toEqual({
      clientId: 'id',
      clientSecret: '',
    });
  });

  it('tells no header (undefined) from a malformed one (null)', () => {
    expect(parseBasicAuthorization(undefined)).toBeUndefined();
    expect(parseBasicAuthorization('Bearer x')).toBeUndefined();
    expect(parseBasicAuthorization('Basic')).toBeUndefined();
    expect(parseBasicAuthorization('Basic !!')).toBeNull();
    expect(parseBasicAuthorization(basic('no-colon'))).toBeNull();
    expect(parseBasicAuthorization(basic(':secret'))).toBeNull();
    expect(parseBasicAuthorization(basic('%zz:secret'))).toBeNull();
  });
});

describe(accessTokenHash.name, () => {
  it('is base64url of the left half of sha256 (OpenID Connect Core §3.1.3.6)', () => {
    // sha256('abc') = ba7816bf8f01cfea414140de5dae2223 b00361a396177a9cb410ff61f20015ad
    expect(accessTokenHash('abc')).toBe(Buffer.from('ba7816bf8f01cfea414140de5dae2223', 'hex').toString('base64url'));
  });
});

describe(newGoogleAuthorizationCode.name, () => {
  it("looks like Google's: 4/0A and an unguessable tail; tokens start with ya29.", () => {
    const code = newGoogleAuthorizationCode();
    expect(code).toMatch(/^4\/0A[A-Za-z0-9_-]{64}$/);
    expect(newGoogleAuthorizationCode()).not.toBe(code);
    expect(newGoogleAccessToken()).toMatch(/^ya29\.a0[A-Za-z0-9_-]{160}$/);
  });
});
