import type { OperationFailure } from '@app/async-operations';

/**
 * Why a sign-in ended without a user. The codes travel to the SPA (as
 * `?reason=` or an operation's `error.code`), which explains each in words.
 */
export enum LoginErrorCode {
  /** The person pressed Cancel on Facebook's dialog. */
  AccessDenied = 'access_denied',
  /** Facebook reported another error on the callback, or refused our app. */
  FacebookError = 'facebook_error',
  /** The state was missing, wrong, expired or already used. */
  InvalidState = 'invalid_state',
  /** The callback carried no usable code. */
  InvalidRequest = 'invalid_request',
  /** Facebook rejected the authorization code (expired or used). */
  CodeRejected = 'code_rejected',
  /**
   * Facebook took the code but its answer never reached us in time (it came
   * too late, or the connection dropped): the code is spent, so only a new
   * sign-in can help. Never reported as code_rejected, which blames the person.
   */
  FacebookTimeout = 'facebook_timeout',
  /** Facebook did not answer (network, timeouts, 5xx, throttling) within the retries. */
  FacebookUnavailable = 'facebook_unavailable',
  /** Facebook answered something we cannot use. */
  FacebookBadResponse = 'facebook_bad_response',
  /** Too many attempts from this client; it may retry after Retry-After. */
  RateLimited = 'rate_limited',
  /** Our own storage (MySQL or Redis) was unavailable. */
  Unavailable = 'unavailable',
  Internal = 'internal',
}

const MESSAGES: Record<LoginErrorCode, string> = {
  [LoginErrorCode.AccessDenied]: 'You cancelled the sign-in on Facebook.',
  [LoginErrorCode.FacebookError]: 'Facebook reported a problem with this sign-in.',
  [LoginErrorCode.InvalidState]: 'This sign-in link has expired or was already used.',
  [LoginErrorCode.InvalidRequest]: 'The answer from Facebook was incomplete.',
  [LoginErrorCode.CodeRejected]: 'Facebook said this sign-in has expired or was already used.',
  [LoginErrorCode.FacebookTimeout]: 'Facebook took too long to answer; please try again.',
  [LoginErrorCode.FacebookUnavailable]: 'Facebook is not answering right now.',
  [LoginErrorCode.FacebookBadResponse]: 'Facebook sent an answer we could not read.',
  [LoginErrorCode.RateLimited]: 'There were too many sign-in attempts; wait a moment.',
  [LoginErrorCode.Unavailable]: 'The sign-in service is briefly unavailable.',
  [LoginErrorCode.Internal]: 'Something went wrong on our side.',
};

export function loginFailure(code: LoginErrorCode): OperationFailure {
  return { code, message: MESSAGES[code] };
}
