/**
 * What never reaches a log line. Paths are fast-redact paths over the final
 * log object (`*` is one level of any key); values become `[Redacted]`.
 */
export const REDACT_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
  'req.query.code',
  'req.query.state',
  'req.query.client_secret',
  'req.query.code_verifier',
  'req.query.access_token',
  'req.query.appsecret_proof',
  'req.query.nonce',
  'req.body.signed_request',
  'req.body.code',
  'req.body.client_secret',
  'req.body.code_verifier',
  ...[
    'access_token',
    'accessToken',
    'client_secret',
    'clientSecret',
    'code_verifier',
    'codeVerifier',
    'appsecret_proof',
    'signed_request',
    'signedRequest',
    'sealedToken',
    'id_token',
    'idToken',
    'nonce',
    'password',
  ].flatMap((key) => [key, `*.${key}`]),
];

export const REDACTED = '[Redacted]';

/** Query parameters whose values are secrets, in any URL we log (ours and the emulator's). */
const SECRET_QUERY_PARAMS = new Set([
  'code',
  'state',
  'client_secret',
  'code_verifier',
  'access_token',
  'appsecret_proof',
  'signed_request',
  'input_token',
  'fb_exchange_token',
  'nonce',
  'id_token',
]);

/**
 * A URL fit for a log line: paths listed in `queryFreePaths` (the OAuth
 * callback, whose whole query is a code and a state) lose their query; any
 * other URL keeps its query with the values of secret parameters redacted.
 */
export function loggableUrl(url: string | undefined, queryFreePaths: readonly string[] = []): string {
  if (!url) return '';
  const q = url.indexOf('?');
  if (q < 0) return url;
  const path = url.slice(0, q);
  // Express routes case-insensitively and ignores a trailing slash: so does this check.
  const route = path.toLowerCase().replace(/\/+$/, '');
  if (queryFreePaths.some((p) => p.toLowerCase() === route)) return path;
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const rawName = eq < 0 ? pair : pair.slice(0, eq);
      let name = rawName;
      try {
        name = decodeURIComponent(rawName.replace(/\+/g, ' '));
      } catch {
        // A malformed escape is logged as sent, but never its value.
        return `${rawName}=${REDACTED}`;
      }
      // `code[]=…` is still a code.
      return SECRET_QUERY_PARAMS.has(name.replace(/\[.*$/, '')) ? `${rawName}=${REDACTED}` : pair;
    })
    .join('&');
  return `${path}?${query}`;
}
