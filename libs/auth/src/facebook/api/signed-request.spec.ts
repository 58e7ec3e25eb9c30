import { createHmac } from 'node:crypto';
import {
  InvalidSignedRequestError,
  parseSignedRequest,
  signRequest,
  signedRequestDigest,
  signedRequestLastValidSecond,
} from './signed-request';

const SECRET = 'the-app-secret';
const NOW = 1_800_000_000;
const payload = { algorithm: 'HMAC-SHA256', user_id: '10000000000000001', issued_at: NOW - 10 };

describe(parseSignedRequest.name, () => {
  it('accepts what Facebook signs with the app secret', () => {
    expect(parseSignedRequest(signRequest(payload, SECRET), SECRET, NOW)).toEqual(payload);
  });

  it('splits on the first dot only', () => {
    // A payload part never holds a dot, but a naive split('.') would silently drop the rest.
    expect(() => parseSignedRequest(signRequest(payload, SECRET) + '.extra', SECRET, NOW)).toThrow(
      InvalidSignedRequestError,
    );
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['an array', ['a.b']],
    ['without a dot', 'abcdef'],
    ['with an empty payload', 'abc.'],
    ['not base64url', 'ab$c.de*f'],
    ['oversized', 'a'.repeat(9000) + '.b'],
  ])('refuses a signed_request that is %s', (_label, input) => {
    expect(() => parseSignedRequest(input, SECRET, NOW)).toThrow(InvalidSignedRequestError);
  });

  it('refuses a tampered payload', () => {
    const [signature] = signRequest(payload, SECRET).split('.');
    const forged = Buffer.from(JSON.stringify({ ...payload, user_id: '666' })).toString('base64url');
    expect(() => parseSignedRequest(`${signature}.${forged}`, SECRET, NOW)).toThrow(/signature/);
  });

  it('refuses another app secret', () => {
    expect(() => parseSignedRequest(signRequest(payload, 'other-secret'), SECRET, NOW)).toThrow(/signature/);
  });

  it('refuses another algorithm, even when correctly signed', () => {
    const encoded = Buffer.from(JSON.stringify({ ...payload, algorithm: 'HMAC-SHA1' })).toString('base64url');
    const signature = createHmac('sha256', SECRET).update(encoded).digest('base64url');
    expect(() => parseSignedRequest(`${signature}.${encoded}`, SECRET, NOW)).toThrow(/algorithm/);
  });

  it('refuses a payload that is not JSON or lacks the user', () => {
    const notJson = Buffer.from('not json').toString('base64url');
    const sig = createHmac('sha256', SECRET).update(notJson).digest('base64url');
    expect(() => parseSignedRequest(`${sig}.${notJson}`, SECRET, NOW)).toThrow(/JSON/);
    expect(() =>
      parseSignedRequest(signRequest({ algorithm: 'HMAC-SHA256', issued_at: NOW }, SECRET), SECRET, NOW),
    ).toThrow(/user_id/);
  });

  it('refuses an old replay and a request from the future', () => {
    expect(() => parseSignedRequest(signRequest({ ...payload, issued_at: NOW - 7200 }, SECRET), SECRET, NOW)).toThrow(
      /too old/,
    );
    expect(() => parseSignedRequest(signRequest({ ...payload, issued_at: NOW + 3600 }, SECRET), SECRET, NOW)).toThrow(
      /future/,
    );
  });
});

describe(signedRequestDigest.name, () => {
  const signed = signRequest({ algorithm: 'HMAC-SHA256', user_id: '42', issued_at: 1_700_000_000 }, SECRET);

  it('is the same however the signature is spelled, and differs per payload', () => {
    const [signature, payload] = signed.split('.');
    expect(signedRequestDigest(`${signature}=.${payload}`)).toBe(signedRequestDigest(signed));
    expect(
      signedRequestDigest(signRequest({ algorithm: 'HMAC-SHA256', user_id: '42', issued_at: 1_700_000_001 }, SECRET)),
    ).not.toBe(signedRequestDigest(signed));
  });

  it('gives away nothing of the payload', () => {
    expect(signedRequestDigest(signed)).not.toContain(signed.split('.')[1].slice(0, 8));
    expect(signedRequestDigest(signed)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe(signedRequestLastValidSecond.name, () => {
  it('is the last second parseSignedRequest still accepts', () => {
    const issuedAt = 1_700_000_000;
    const request = signRequest({ algorithm: 'HMAC-SHA256', user_id: '42', issued_at: issuedAt }, SECRET);
    const last = signedRequestLastValidSecond({ issued_at: issuedAt });
    expect(() => parseSignedRequest(request, SECRET, last)).not.toThrow();
    expect(() => parseSignedRequest(request, SECRET, last + 1)).toThrow(/too old/);
  });
});
