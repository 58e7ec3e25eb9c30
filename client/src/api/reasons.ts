import {
  isReasonCode,
  REASON_CODES,
  type ReasonCode,
} from '@contract/reason-codes';
import { FACEBOOK } from './providers';
import type { ApiSchemas } from './schema-types';

/**
 * Reason codes of `/login/error?reason=` and of an operation's `error.code`:
 * the contract's list, which the server uses too (`timeout` is also the
 * pending view's own, when it stops waiting).
 */
export const KNOWN_REASONS: readonly ReasonCode[] = REASON_CODES;

/** Fails the type check if the contract and the OpenAPI document ever disagree. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const documentAgrees: Same<ReasonCode, ApiSchemas['ReasonCode']> = true;
void documentAgrees;

/**
 * The sentence for a reason, naming the operation's provider (its display
 * name), or worded without one (`null`: a provider the SPA does not know).
 */
export type ReasonSentence = (provider: string | null) => string;

/** How a sentence names a provider the SPA does not know. */
const SERVICE = 'The service you chose';
const SERVICE_MID_SENTENCE = 'the service you chose';

/** One for every code: a new code without its sentence fails the type check. */
export const REASON_SENTENCES: Readonly<Record<ReasonCode, ReasonSentence>> = {
  access_denied: (provider) =>
    provider
      ? `You cancelled the sign-in on ${provider}, so you are not signed in.`
      : 'You cancelled the sign-in, so you are not signed in.',
  provider_error: (provider) =>
    `${provider ?? SERVICE} reported a problem with the sign-in.`,
  invalid_state: () =>
    'This sign-in link has expired or was already used. That happens when the page is reloaded or opened in another browser.',
  // A callback without a usable code, or a start link the server refused (e.g. `?rerequest=`).
  invalid_request: (provider) =>
    `The sign-in request for ${provider ?? SERVICE_MID_SENTENCE} was incomplete or not valid, so we could not sign you in.`,
  code_rejected: (provider) =>
    `${provider ?? SERVICE} said the sign-in link has expired or was already used.`,
  provider_timeout: (provider) =>
    `${provider ?? SERVICE} took too long to answer; please try again.`,
  provider_unavailable: (provider) =>
    `${provider ?? SERVICE} is not answering right now. Please try again in a few minutes.`,
  provider_bad_response: (provider) =>
    `${provider ?? SERVICE} sent an answer we could not read.`,
  rate_limited: () =>
    'There have been too many sign-in attempts. Please wait a moment, then try again.',
  unavailable: () =>
    'Our service is briefly unavailable. Please try again in a moment.',
  internal: () => 'Something went wrong on our side while signing you in.',
  identity_not_linked: (provider) =>
    `An account with this e-mail already exists. Sign in the way you did before, then link ${provider ?? 'this account'} from your page.`,
  identity_in_use: (provider) =>
    `This ${provider ? `${provider} ` : ''}account is already linked to another person.`,
  timeout: () => 'Signing in took too long.',
};

/**
 * Codes from before providers shared them, still in the sign-in history and
 * in old links: each is its provider_* code, with Facebook.
 */
export const FACEBOOK_REASONS: Readonly<Record<string, ReasonCode>> = {
  facebook_error: 'provider_error',
  facebook_timeout: 'provider_timeout',
  facebook_unavailable: 'provider_unavailable',
  facebook_bad_response: 'provider_bad_response',
};

export const GENERIC_SENTENCE = 'Something went wrong while signing you in.';

export interface ReasonDescription {
  /** The sentence to show. */
  sentence: string;
  /** The code, when it is one we show (unknown but well-formed codes). */
  code: string | null;
  known: boolean;
}

// Only echo things that look like a code: the query string is attacker-controlled.
const CODE_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

const own = (record: object, key: string) =>
  Object.prototype.hasOwnProperty.call(record, key);

/** Normalises a `?reason=` query value (string, array or missing). */
export function reasonFromQuery(value: unknown): string | null {
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' && first.trim() ? first.trim() : null;
}

/**
 * The sentence for a reason code, naming `provider` (a display name such as
 * "Google"; `null` words it without a provider).
 */
export function describeReason(
  code: string | null | undefined,
  provider: string | null,
): ReasonDescription {
  // The contract's own check: every code it lists has a sentence.
  if (isReasonCode(code)) {
    return { sentence: REASON_SENTENCES[code](provider), code, known: true };
  }
  if (code && own(FACEBOOK_REASONS, code)) {
    const sentence = REASON_SENTENCES[FACEBOOK_REASONS[code]!](FACEBOOK.name);
    return { sentence, code, known: true };
  }
  if (code && CODE_PATTERN.test(code)) {
    return {
      sentence: `${GENERIC_SENTENCE} (Error code: ${code})`,
      code,
      known: false,
    };
  }
  return { sentence: GENERIC_SENTENCE, code: null, known: false };
}
