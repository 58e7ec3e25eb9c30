import { ReasonCode } from '../../core/reason-codes';
import { ProviderCallError, type CodeFate, type ProviderFailureKind } from '../../core/worker/provider-exchange';

/** Facebook error codes that mean "slow down or retry later". */
const TRANSIENT_FACEBOOK_CODES = new Set([1, 2, 4, 17, 32, 341, 613]);

export type FacebookFailureKind = ProviderFailureKind;

/** Facebook's error_subcode for "This authorization code has been used." */
export const CODE_ALREADY_USED_SUBCODE = 36009;

/** A failed call to Facebook, with Facebook's own error code and subcode. */
export class FacebookApiError extends ProviderCallError<{
  status?: number;
  facebookCode?: number;
  subcode?: number;
  codeFate?: CodeFate;
}> {
  override name = 'FacebookApiError';

  override get codeAlreadyUsed(): boolean {
    return this.details.facebookCode === 100 && this.details.subcode === CODE_ALREADY_USED_SUBCODE;
  }
}

interface FacebookErrorBody {
  error?: {
    message?: unknown;
    code?: unknown;
    error_subcode?: unknown;
    is_transient?: unknown;
  };
}

/**
 * Classifies a non-2xx answer: 5xx and throttling are worth a retry; any other
 * 4xx is final (for the token call: the code was rejected).
 */
/** The Graph calls of a sign-in: the code exchange, /me and /me/permissions. */
export type GraphCall = 'token' | 'profile' | 'permissions';

export function classifyFacebookErrorResponse(call: GraphCall, status: number, body: unknown): FacebookApiError {
  const error = (body as FacebookErrorBody | null)?.error;
  const facebookCode = typeof error?.code === 'number' ? error.code : undefined;
  const subcode = typeof error?.error_subcode === 'number' ? error.error_subcode : undefined;
  const facebookMessage = typeof error?.message === 'string' ? error.message.slice(0, 200) : 'no message';
  const details = { status, facebookCode, subcode };
  // Facebook says it failed before doing anything: the code is still good.
  const saysTransient = error?.is_transient === true;
  const summary =
    `Facebook ${call} call failed with HTTP ${status}` +
    (facebookCode !== undefined ? ` (code ${facebookCode}${subcode ? `/${subcode}` : ''}: ${facebookMessage})` : '');

  // Code 1 with a 4xx is also "Error validating client secret", which no retry fixes.
  const throttled =
    facebookCode !== undefined && TRANSIENT_FACEBOOK_CODES.has(facebookCode) && (facebookCode !== 1 || status >= 500);
  if (status === 429 || throttled || saysTransient) {
    return new FacebookApiError('transient', ReasonCode.ProviderUnavailable, summary, {
      ...details,
      codeFate: 'untouched',
    });
  }
  if (status >= 500) {
    // A bare 5xx (a proxy, an overloaded host) may have come after the code was spent.
    return new FacebookApiError('transient', ReasonCode.ProviderUnavailable, summary, {
      ...details,
      codeFate: 'unknown',
    });
  }
  if (call === 'token' && facebookCode === 100) {
    return new FacebookApiError('rejected', ReasonCode.CodeRejected, summary, details);
  }
  return new FacebookApiError('rejected', ReasonCode.ProviderError, summary, details);
}
