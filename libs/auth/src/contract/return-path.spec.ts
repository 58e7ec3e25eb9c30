import { safeReturnPath } from './return-path';

/** Where a browser on PUBLIC_URL would land after `Location: <path>` (or the SPA's navigation to it). */
const landsOn = (path: string) => new URL(path, 'https://app.example').origin;

describe(safeReturnPath.name, () => {
  it.each(['/', '/settings', '/profile?tab=1#x', '/a/b?tab=2#top', '/search?q=a%20b', '/caf%C3%A9'])(
    'keeps the same-origin path %s',
    (path) => {
      expect(safeReturnPath(path)).toBe(path);
    },
  );

  it.each([
    ['/a/./b/../c', '/a/c'],
    ['/a//b', '/a//b'],
    ['/x y', '/x%20y'],
  ])('returns %s normalised as %s', (path, normalised) => {
    expect(safeReturnPath(path)).toBe(normalised);
  });

  it.each([
    'https://evil.example/',
    'http:evil.example',
    '//evil.example/x',
    '///evil.example',
    '/\\evil.example',
    '\\\\evil.example',
    '/a\\b',
    'javascript:alert(1)',
    'evil.example',
    // Dot segments that the URL parser collapses into a protocol-relative `//evil.example`.
    '/.//evil.example',
    '/a/..//evil.example',
    '/./\\evil.example',
    '/%2e//evil.example',
    '/%2e%2e//evil.example',
    // Encoded slashes, backslashes and control characters, once or twice.
    '/%2F%2Fevil.example',
    '/%2f/evil.example',
    '/%5Cevil.example',
    '/%5cevil.example',
    '/%252F%252Fevil.example',
    '/%0d%0aSet-Cookie:x',
    '/%09/evil.example',
    '/%00',
    '/%E0%A4%A', // not decodable
    // Raw control characters, which browsers strip before resolving.
    '/\t/evil.example',
    '/\n/evil.example',
    '/\r\n/evil.example',
    '/\u0000x',
    '/\u007fx',
    ' //evil.example',
    '\t//evil.example',
    // The SPA's sign-in pages, however they are spelled.
    '/login/pending',
    '/login',
    '/./login/error',
    '/%6Cogin/pending',
    '',
    undefined,
    ['/a'],
    '/' + 'a'.repeat(600),
  ])('sends %p home instead', (candidate) => {
    expect(safeReturnPath(candidate)).toBe('/');
  });

  it.each(['/.//evil.example', '/a/..//evil.example', '/\\evil.example', '/%2F%2Fevil.example', '/x?a=//y#//z'])(
    'never answers anything that a browser resolves to another origin (%s)',
    (candidate) => {
      const result = safeReturnPath(candidate);
      expect(landsOn(result)).toBe('https://app.example');
      expect(result.startsWith('/')).toBe(true);
      expect(result.startsWith('//')).toBe(false);
    },
  );
});
