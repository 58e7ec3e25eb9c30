import { safeReturnPath } from './return-to';

describe(safeReturnPath.name, () => {
  // Percent-encoded text stays encoded, so it can never become a header line.
  it.each(['/', '/settings', '/a/b?tab=2#top', '/%0d%0aSet-Cookie:x'])('keeps the same-origin path %s', (path) => {
    expect(safeReturnPath(path)).toBe(path);
  });

  it.each([
    'https://evil.example/',
    '//evil.example/x',
    '/\\evil.example',
    '\\\\evil.example',
    'javascript:alert(1)',
    '/\nSet-Cookie: x',
    'evil.example',
    '/login/pending',
    '',
    undefined,
    ['/a'],
    '/' + 'a'.repeat(600),
  ])('sends %p home instead', (candidate) => {
    expect(safeReturnPath(candidate)).toBe('/');
  });
});
