/**
 * The contract between the server and the SPA: which `returnTo` a sign-in
 * may come back to. The server checks it when a sign-in starts and again
 * when it answers; the SPA checks it before it sends one and before it
 * navigates. Imported by both (the SPA through its `@contract` alias), so it
 * uses only what a browser and Node both have.
 */
const HOME = '/';
const MAX_LENGTH = 512;
/** A stand-in for PUBLIC_URL: only the origin comparison matters. */
const ORIGIN = 'http://same-origin.invalid';
/** More layers of percent-encoding than this are never a real link, only an attempt to hide one. */
const MAX_DECODE_ROUNDS = 3;

/**
 * A return-to target is only ever a path on this origin. It is judged the
 * way a browser (or the SPA's router) will read it: after the WHATWG URL
 * parser has collapsed dot segments and after percent-decoding, so
 * `/.//evil.example`, `/%2F%2Fevil.example`, backslashes, control characters
 * and the login pages all fall back to home, and the sign-in can never be
 * used as an open redirect. What passes is returned normalised.
 */
export function safeReturnPath(candidate: unknown): string {
  if (typeof candidate !== 'string' || candidate.length > MAX_LENGTH) return HOME;
  const decoded = fullyDecoded(candidate);
  if (decoded === null || !isPlainPath(candidate) || !isPlainPath(decoded)) return HOME;
  const normalised = normalise(candidate);
  const normalisedDecoded = normalise(decoded);
  if (normalised === null || normalisedDecoded === null) return HOME;
  // The SPA's own sign-in pages are never a destination (its router ignores case).
  if (/^\/login(\/|$|\?|#)/i.test(normalisedDecoded)) return HOME;
  return normalised;
}

/** Starts with one `/`, and holds no backslash or control character (browsers strip or rewrite those). */
function isPlainPath(path: string): boolean {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what we refuse
  return path.startsWith('/') && !path.startsWith('//') && !/[\\\u0000-\u001f\u007f]/.test(path);
}

/** Path + search + hash after the URL parser, or null when that leaves this origin or reads as `//host`. */
function normalise(path: string): string | null {
  let url: URL;
  try {
    url = new URL(path, ORIGIN);
  } catch {
    return null;
  }
  if (url.origin !== ORIGIN) return null;
  const result = url.pathname + url.search + url.hash;
  // Dot segments can collapse into `//host`, which a browser resolves to another origin.
  return isPlainPath(result) && new URL(result, ORIGIN).origin === ORIGIN ? result : null;
}

/** Percent-decoded until nothing changes; null if it does not decode or keeps changing. */
function fullyDecoded(text: string): string | null {
  let current = text;
  for (let round = 0; round <= MAX_DECODE_ROUNDS; round++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return null;
    }
    if (next === current) return current;
    current = next;
  }
  return null;
}
