import type { ReasonCodeValue } from '../core/reason-codes';
import { ProviderCallError, type CodeFate } from '../core/worker/provider-exchange';

/** The reasons a call to Google can end with. */
export type GoogleFailureReason = Extract<
  ReasonCodeValue,
  'code_rejected' | 'provider_error' | 'provider_unavailable' | 'provider_timeout' | 'provider_bad_response'
>;

/** Which call to Google failed. */
export type GoogleCall = 'discovery' | 'token' | 'id_token';

/**
 * What a failed call may have done to the one-time code (as on the Facebook
 * side): `untouched` when Google cannot have taken it (nothing was sent, the
 * connection was refused, Google answered that it is throttling or briefly
 * unavailable, or the call was not the token call at all), `unknown` when the
 * token request may have reached Google (a timeout or a dropped connection
 * after it was sent, a bare 5xx) and the code may be spent.
 */

export interface GoogleErrorDetails {
  status?: number;
  /** Google's OAuth `error` field (invalid_grant, invalid_client, ...). */
  googleError?: string;
  codeFate?: CodeFate;
}

/**
 * A failed call to Google, classified once so the worker knows whether to
 * retry and what to tell the person. Never carries the code, a token or the
 * client secret.
 */
export class GoogleApiError extends ProviderCallError<GoogleErrorDetails> {
  override name = 'GoogleApiError';
  declare readonly reason: GoogleFailureReason;
  readonly codeFate: CodeFate;

  constructor(reason: GoogleFailureReason, retryable: boolean, message: string, details: GoogleErrorDetails = {}) {
    super(retryable ? 'transient' : 'rejected', reason, message, details);
    this.codeFate = details.codeFate ?? 'untouched';
  }

  /**
   * Google refused the code (invalid_grant): after our own earlier call may
   * have spent it, that is the earlier call's doing, not the person's.
   */
  override get codeAlreadyUsed(): boolean {
    return this.details.googleError === 'invalid_grant';
  }

  /**
   * The token request may have reached Google: a retry may find the code
   * spent (Google then answers invalid_grant, which after this is not the
   * person's fault but provider_timeout).
   */
  get codeMayBeSpent(): boolean {
    return this.codeFate === 'unknown';
  }
}

interface OAuthErrorBody {
  error?: unknown;
  error_description?: unknown;
}

/**
 * Classifies a non-2xx answer. 429 and 5xx are worth a retry; any other 4xx is
 * final: `invalid_grant` on the token call is the code (expired, used, or not
 * issued for this redirect URI and verifier), everything else (invalid_client,
 * unauthorized_client, invalid_request, ...) is our configuration.
 */
export function classifyGoogleErrorResponse(call: GoogleCall, status: number, body: unknown): GoogleApiError {
  const error = typeof body === 'object' && body !== null ? (body as OAuthErrorBody) : {};
  const googleError = typeof error.error === 'string' ? error.error.slice(0, 64) : undefined;
  const description = typeof error.error_description === 'string' ? error.error_description.slice(0, 200) : undefined;
  const summary =
    `Google ${call} call failed with HTTP ${status}` +
    (googleError !== undefined ? ` (${googleError}${description ? `: ${description}` : ''})` : '');
  const details = { status, googleError };

  if (status === 429) {
    // Throttled before anything was done with the request.
    return new GoogleApiError('provider_unavailable', true, summary, { ...details, codeFate: 'untouched' });
  }
  if (status >= 500) {
    // Google saying it is briefly unavailable did nothing with the code; a bare 5xx
    // (a proxy, an overloaded host) may have come after the code was spent.
    const saysUntouched = googleError === 'temporarily_unavailable';
    return new GoogleApiError('provider_unavailable', true, summary, {
      ...details,
      codeFate: call === 'token' && !saysUntouched ? 'unknown' : 'untouched',
    });
  }
  if (call === 'token' && googleError === 'invalid_grant') {
    return new GoogleApiError('code_rejected', false, summary, details);
  }
  return new GoogleApiError('provider_error', false, summary, details);
}
