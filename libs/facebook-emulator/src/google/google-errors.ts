/** Google's OAuth error body: `{"error": "invalid_grant", "error_description": "Bad Request"}`. */
export interface GoogleErrorBody {
  error: string;
  error_description: string;
}

/** An HTTP status, the body Google would send and the headers that go with it. */
export interface GoogleErrorResponse {
  status: number;
  body: GoogleErrorBody;
  headers?: Readonly<Record<string, string>>;
}

export function googleError(
  status: number,
  error: string,
  description: string,
  headers?: Readonly<Record<string, string>>,
): GoogleErrorResponse {
  return {
    status,
    body: { error, error_description: description },
    ...(headers ? { headers } : {}),
  };
}

export function isGoogleErrorBody(value: unknown): value is GoogleErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const { error, error_description: description } = value as Record<string, unknown>;
  return typeof error === 'string' && typeof description === 'string';
}

// RFC 6749 §5.2: a client that tried HTTP Basic gets the challenge back.
const BASIC_CHALLENGE = { 'WWW-Authenticate': 'Basic realm="google-emulator"' };

/** The error bodies the Google side can produce, named after what they mean. */
export const GoogleErrors = {
  invalidRequest: (description: string) => googleError(400, 'invalid_request', description),
  missingParameter: (name: string) => googleError(400, 'invalid_request', `Missing required parameter: ${name}`),
  unsupportedGrantType: (grantType: string) =>
    googleError(400, 'unsupported_grant_type', `Invalid grant_type: ${grantType}`),
  noClientId: () => googleError(400, 'invalid_request', 'Could not determine client ID from request.'),
  twoClientAuthentications: () =>
    googleError(
      400,
      'invalid_request',
      'The client must authenticate with one method only: client_secret_post or client_secret_basic.',
    ),
  clientNotFound: (basic: boolean) =>
    googleError(401, 'invalid_client', 'The OAuth client was not found.', basic ? BASIC_CHALLENGE : undefined),
  unauthorizedClient: (basic: boolean) =>
    googleError(401, 'invalid_client', 'Unauthorized', basic ? BASIC_CHALLENGE : undefined),
  /** Unknown, used or expired code, another client's code, or a PKCE mismatch. */
  invalidGrant: () => googleError(400, 'invalid_grant', 'Bad Request'),
  missingCodeVerifier: () => googleError(400, 'invalid_grant', 'Missing code verifier.'),
  redirectUriMismatch: () => googleError(400, 'redirect_uri_mismatch', 'Bad Request'),
  invalidToken: () =>
    googleError(401, 'invalid_request', 'Invalid Credentials', {
      'WWW-Authenticate': 'Bearer error="invalid_token"',
    }),
  backendError: (status = 500) => googleError(status, 'internal_failure', 'Backend Error'),
  rateLimited: () => googleError(429, 'rate_limit_exceeded', 'Rate Limit Exceeded'),
  notFound: () => googleError(404, 'not_found', 'Not Found'),
  clientError: (status: number, message: string) => googleError(status, 'invalid_request', message),
  misdirected: (message: string) => googleError(421, 'misdirected_request', message),
} as const;
