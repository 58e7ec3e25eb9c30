/**
 * A return-to target is only ever a path on this origin: anything else
 * (`https://evil.example`, `//evil.example`, `/\\evil.example`, control
 * characters) falls back to home, so the sign-in can never be used as an
 * open redirect.
 */
export function safeReturnPath(candidate: unknown): string {
  if (typeof candidate !== 'string' || candidate.length > 512) return '/';
  if (!candidate.startsWith('/') || candidate.startsWith('//')) return '/';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what we refuse
  if (/[\\\u0000-\u001f\u007f]/.test(candidate)) return '/';
  // The SPA's own sign-in pages are never a destination.
  if (/^\/login(\/|$|\?)/.test(candidate)) return '/';
  try {
    const resolved = new URL(candidate, 'http://same-origin.invalid');
    if (resolved.origin !== 'http://same-origin.invalid') return '/';
    return resolved.pathname + resolved.search + resolved.hash;
  } catch {
    return '/';
  }
}
