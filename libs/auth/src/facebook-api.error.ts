import { LoginErrorCode } from './login-errors';

/** Facebook error codes that mean "slow down or retry later". */
const TRANSIENT_FACEBOOK_CODES = new Set([1, 2, 4, 17, 32, 341, 613]);

export type FacebookFailureKind = 'transient' | 'rejected' | 'malformed';

/**
 * What a failed token call may have done to the one-time code:
 * `untouched` when Facebook cannot have taken it (the connection was refused,
 * or Facebook answered that it is throttling or failed transiently), `unknown`
 * when the request may have reached Facebook (a timeout, a dropped connection,
 * a bare 5xx) and the code may be spent.
 */
export type CodeFate = 'untouched' | 'unknown';

/** Facebook's error_subcode for "This authorization code has been used." */
export const CODE_ALREADY_USED_SUBCODE = 36009;

/**
 * A failed call to Facebook, classified once so the worker knows whether to
 * retry. Never carries the code, token or secret of the call.
 */
export class FacebookApiError extends Error {
  constructor(
    readonly kind: FacebookFailureKind,
    readonly loginError: LoginErrorCode,
    message: string,
    readonly details: { status?: number; facebookCode?: number; subcode?: number; codeFate?: CodeFate } = {},
  ) {
    super(message);
    this.name = 'FacebookApiError';
  }

  get retryable(): boolean {
    return this.kind === 'transient';
  }

  /** Facebook said the code was already used: only a replay, or our own earlier call, spent it. */
  get codeAlreadyUsed(): boolean {
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
export function classifyFacebookErrorResponse(
  call: 'token' | 'profile',
  status: number,
  body: unknown,
): FacebookApiError {
  const error = (body as FacebookErrorBody | null)?.error;
  const facebookCode = typeof error?.code === 'number' ? error.code : undefined;
  const subcode = typeof error?.error_subcode === 'number' ? error.error_subcode : undefined;
  const facebookMessage =
    typeof error?.message === 'string' ? error.message.slice(0, 200) : 'no message';
  const details = { status, facebookCode, subcode };
  // Facebook says it failed before doing anything: the code is still good.
  const saysTransient = error?.is_transient === true;
  const summary = `Facebook ${call} call failed with HTTP ${status}` +
    (facebookCode !== undefined ? ` (code ${facebookCode}${subcode ? `/${subcode}` : ''}: ${facebookMessage})` : '');

  // Code 1 with a 4xx is also "Error validating client secret", which no retry fixes.
  const throttled =
    facebookCode !== undefined &&
    TRANSIENT_FACEBOOK_CODES.has(facebookCode) &&
    (facebookCode !== 1 || status >= 500);
  if (status === 429 || throttled || saysTransient) {
    return new FacebookApiError('transient', LoginErrorCode.FacebookUnavailable, summary, { ...details, codeFate: 'untouched' });
  }
  if (status >= 500) {
    // A bare 5xx (a proxy, an overloaded host) may have come after the code was spent.
    return new FacebookApiError('transient', LoginErrorCode.FacebookUnavailable, summary, { ...details, codeFate: 'unknown' });
  }
  if (call === 'token' && facebookCode === 100) {
    return new FacebookApiError('rejected', LoginErrorCode.CodeRejected, summary, details);
  }
  return new FacebookApiError('rejected', LoginErrorCode.FacebookError, summary, details);
}
