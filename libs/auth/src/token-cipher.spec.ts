import { TokenCipher } from './token-cipher';

describe(TokenCipher.name, () => {
  const cipher = new TokenCipher('app-secret-one');

  it('round-trips and never shows the token', () => {
    const sealed = cipher.encrypt('EAAtoken');
    expect(sealed).not.toContain('EAAtoken');
    expect(cipher.decrypt(sealed)).toBe('EAAtoken');
  });

  it('uses a fresh IV each time', () => {
    expect(cipher.encrypt('same')).not.toBe(cipher.encrypt('same'));
  });

  it('refuses altered text and other keys', () => {
    const sealed = cipher.encrypt('EAAtoken');
    const [iv, tag, body] = sealed.split('.');
    const flipped = Buffer.from(body, 'base64url');
    flipped[0] ^= 1;
    expect(() => cipher.decrypt([iv, tag, flipped.toString('base64url')].join('.'))).toThrow();
    expect(() => new TokenCipher('app-secret-two').decrypt(sealed)).toThrow();
    expect(() => cipher.decrypt('garbage')).toThrow();
  });
});
