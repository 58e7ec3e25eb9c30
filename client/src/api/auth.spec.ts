import { describe, expect, it } from 'vitest';
import { sameOriginPath } from './auth';

describe('sameOriginPath', () => {
  it.each(['/', '/settings?tab=1'])('keeps %s', (path) => {
    expect(sameOriginPath(path)).toBe(path);
  });

  it.each([
    'https://evil.example',
    '//evil.example',
    '/\\evil.example',
    'evil',
    '/\nx',
    // The shared rule's (the server's) cases: encoded slashes, dot segments, the sign-in pages.
    '/%2F%2Fevil.example',
    '/.//evil.example',
    '/login/pending',
    undefined,
    42,
  ])('sends %p home', (candidate) => {
    expect(sameOriginPath(candidate)).toBe('/');
  });
});
