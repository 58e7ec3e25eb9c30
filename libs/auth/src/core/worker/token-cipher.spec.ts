import { TokenCipher } from './token-cipher';

describe(TokenCipher.name, () => {
  const cipher = new TokenCipher('app-secret-one');

  it('round-trips and never shows the token', () => {
    const sealed = cipher.encrypt('EAAtoken', 'op-1');
    expect(sealed).not.toContain('EAAtoken');
    expect(cipher.decrypt(sealed, 'op-1')).toBe('EAAtoken');
  });

  it('uses a fresh IV each time', () => {
    expect(cipher.encrypt('same', 'op-1')).not.toBe(cipher.encrypt('same', 'op-1'));
  });

  it('refuses altered text and other keys', () => {
    const sealed = cipher.encrypt('EAAtoken', 'op-1');
    const [iv, tag, body] = sealed.split('.');
    const flipped = Buffer.from(body, 'base64url');
    flipped[0] ^= 1;
    expect(() => cipher.decrypt([iv, tag, flipped.toString('base64url')].join('.'), 'op-1')).toThrow();
    expect(() => new TokenCipher('app-secret-two').decrypt(sealed, 'op-1')).toThrow();
    expect(() => cipher.decrypt('garbage', 'op-1')).toThrow();
  });

  it('opens a token only for the operation it was sealed for', () => {
    const sealed = cipher.encrypt('EAAtoken', 'op-1');
    expect(() => cipher.decrypt(sealed, 'op-2')).toThrow();
  });
});
