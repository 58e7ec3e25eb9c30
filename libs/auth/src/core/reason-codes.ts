import type { OperationFailure } from '@app/async-operations';

/**
 * Why a sign-in ended without a user, whichever provider it went through. The
 * codes travel to the SPA (as `?reason=` or an operation's `error.code`),
 * which explains each in words; the messages name the operation's provider.
 */
export enum ReasonCode {
  /** The person pressed Cancel on the provider's dialog. */
  AccessDenied = 'access_denied',
  /** The provider reported another error on the callback, or refused our app. */
  ProviderError = 'provider_error',
  /** The state was missing, wrong, expired or already used. */
  InvalidState = 'invalid_state',
  /** The callback carried no usable code. */
  InvalidRequest = 'invalid_request',
  /** The provider rejected the authorization code (expired or used). */
  CodeRejected = 'code_rejected',
  /**
   * The provider took the code but its answer never reached us in time (it
   * came too late, or the connection dropped): the code is spent, so only a
   * new sign-in can help. Never reported as code_rejected, which blames the person.
   */
  ProviderTimeout = 'provider_timeout',
  /** The provider did not answer (network, timeouts, 5xx, throttling) within the retries. */
  ProviderUnavailable = 'provider_unavailable',
  /** The provider answered something we cannot use (or an id_token that does not verify). */
  ProviderBadResponse = 'provider_bad_response',
  /**
   * A first sign-in with this provider whose e-mail belongs to an existing
   * profile: never linked silently (see docs/EXTENDING.md, "Identities").
   */
  IdentityNotLinked = 'identity_not_linked',
  /** Linking a provider whose account already belongs to another person. */
  IdentityInUse = 'identity_in_use',
  /** Too many attempts from this client; it may retry after Retry-After. */
  RateLimited = 'rate_limited',
  /** Our own storage (MySQL or Redis) was unavailable. */
  Unavailable = 'unavailable',
  Internal = 'internal',
}

/** A reason code as its wire value: what a provider's client may write as a literal. */
export type ReasonCodeValue = `${ReasonCode}`;

/** The provider's name as people read it, for the messages. */
export type ProviderName = string;

const MESSAGES: Record<ReasonCode, (provider: ProviderName) => string> = {
  [ReasonCode.AccessDenied]: (p) => `You cancelled the sign-in on ${p}.`,
  [ReasonCode.ProviderError]: (p) => `${p} reported a problem with this sign-in.`,
  [ReasonCode.InvalidState]: () => 'This sign-in link has expired or was already used.',
  [ReasonCode.InvalidRequest]: (p) => `The answer from ${p} was incomplete.`,
  [ReasonCode.CodeRejected]: (p) => `${p} said this sign-in has expired or was already used.`,
  [ReasonCode.ProviderTimeout]: (p) => `${p} took too long to answer; please try again.`,
  [ReasonCode.ProviderUnavailable]: (p) => `${p} is not answering right now.`,
  [ReasonCode.ProviderBadResponse]: (p) => `${p} sent an answer we could not read.`,
  [ReasonCode.IdentityNotLinked]: (p) =>
    `An account with this e-mail already exists. Sign in the way you did before, then link ${p} from your page.`,
  [ReasonCode.IdentityInUse]: (p) => `This ${p} account is already linked to another person.`,
  [ReasonCode.RateLimited]: () => 'There were too many sign-in attempts; wait a moment.',
  [ReasonCode.Unavailable]: () => 'The sign-in service is briefly unavailable.',
  [ReasonCode.Internal]: () => 'Something went wrong on our side.',
};

/** The failure an operation ends with: the code, and a message that names the provider. */
export function failureFor(code: ReasonCodeValue, providerName: ProviderName): OperationFailure {
  return { code, message: MESSAGES[code as ReasonCode](providerName) };
}
