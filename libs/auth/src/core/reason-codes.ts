import { OPERATION_TIMEOUT, type OperationFailure } from '@app/async-operations';
import { ReasonCode } from '../contract/reason-codes';

/**
 * The reason codes are the contract's (shared with the SPA, which explains
 * each in its own words); the server's messages name the operation's provider.
 */
export { REASON_CODES, ReasonCode, isReasonCode } from '../contract/reason-codes';

/** A reason code as its wire value: what a provider's client may write as a literal. */
export type ReasonCodeValue = ReasonCode;

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
  [ReasonCode.Timeout]: () => OPERATION_TIMEOUT.message,
};

/** The failure an operation ends with: the code, and a message that names the provider. */
export function failureFor(code: ReasonCodeValue, providerName: ProviderName): OperationFailure {
  return { code, message: MESSAGES[code](providerName) };
}
