/**
 * The contract between the server and the SPA: why a sign-in ended without a
 * user, whichever provider it went through. The codes travel as
 * `/login/error?reason=` and as an operation's `error.code`; the server words
 * each in its logs and history, the SPA explains each to the person. This
 * file is imported by both (the SPA through its `@contract` alias), so it
 * imports nothing.
 */
export const ReasonCode = {
  /** The person pressed Cancel on the provider's dialog. */
  AccessDenied: 'access_denied',
  /** The provider reported another error on the callback, or refused our app. */
  ProviderError: 'provider_error',
  /** The state was missing, wrong, expired or already used. */
  InvalidState: 'invalid_state',
  /**
   * The request could not be used: a callback with no usable code (repeated or
   * malformed parameters), or a start the server refused (a bad `?rerequest=`).
   */
  InvalidRequest: 'invalid_request',
  /** The provider rejected the authorization code (expired or used). */
  CodeRejected: 'code_rejected',
  /**
   * The provider took the code but its answer never reached us in time (it
   * came too late, or the connection dropped): the code is spent, so only a
   * new sign-in can help. Never reported as code_rejected, which blames the person.
   */
  ProviderTimeout: 'provider_timeout',
  /** The provider did not answer (network, timeouts, 5xx, throttling) within the retries. */
  ProviderUnavailable: 'provider_unavailable',
  /** The provider answered something we cannot use (or an id_token that does not verify). */
  ProviderBadResponse: 'provider_bad_response',
  /**
   * A first sign-in with this provider whose e-mail belongs to an existing
   * profile: never linked silently (see docs/EXTENDING.md, "Identities").
   */
  IdentityNotLinked: 'identity_not_linked',
  /** Linking a provider whose account already belongs to another person. */
  IdentityInUse: 'identity_in_use',
  /** Too many attempts from this client; it may retry after Retry-After. */
  RateLimited: 'rate_limited',
  /** Our own storage (MySQL or Redis) was unavailable. */
  Unavailable: 'unavailable',
  Internal: 'internal',
  /** The attempt never finished in time: the server's deadline sweep, or the SPA's pending page giving up. */
  Timeout: 'timeout',
} as const;

/** A reason code as its wire value. */
export type ReasonCode = (typeof ReasonCode)[keyof typeof ReasonCode];

/** Every reason code, in the order above (the OpenAPI document's `ReasonCode` enum). */
export const REASON_CODES: readonly ReasonCode[] = Object.values(ReasonCode);

/** Whether a value (a query string, a stored code) is one of the codes. */
export function isReasonCode(value: unknown): value is ReasonCode {
  return typeof value === 'string' && (REASON_CODES as readonly string[]).includes(value);
}
