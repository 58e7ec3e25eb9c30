/** Reason codes of `/login/error?reason=` and of an operation's `error.code`. */
export const KNOWN_REASONS = [
  'access_denied',
  'facebook_error',
  'invalid_state',
  'code_rejected',
  'facebook_timeout',
  'facebook_unavailable',
  'facebook_bad_response',
  'timeout',
  'unavailable',
  'rate_limited',
  // Also sent by the server (libs/auth/src/login-errors.ts):
  'invalid_request',
  'internal',
] as const;

export type KnownReason = (typeof KNOWN_REASONS)[number];

export const REASON_SENTENCES: Readonly<Record<KnownReason, string>> = {
  access_denied:
    'You cancelled the sign-in on Facebook, so you are not signed in.',
  facebook_error: 'Facebook reported a problem with the sign-in.',
  invalid_state:
    'This sign-in link has expired or was already used. That happens when the page is reloaded or opened in another browser.',
  code_rejected:
    'Facebook said the sign-in link has expired or was already used.',
  facebook_timeout: 'Facebook took too long to answer; please try again.',
  facebook_unavailable:
    'Facebook is not answering right now. Please try again in a few minutes.',
  facebook_bad_response: 'Facebook sent an answer we could not read.',
  timeout: 'Signing in took too long.',
  unavailable:
    'Our service is briefly unavailable. Please try again in a moment.',
  rate_limited:
    'There have been too many sign-in attempts. Please wait a moment, then try again.',
  invalid_request:
    'The answer from Facebook was incomplete, so we could not sign you in.',
  internal: 'Something went wrong on our side while signing you in.',
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

export function isKnownReason(code: string): code is KnownReason {
  return Object.prototype.hasOwnProperty.call(REASON_SENTENCES, code);
}

/** Normalises a `?reason=` query value (string, array or missing). */
export function reasonFromQuery(value: unknown): string | null {
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' && first.trim() ? first.trim() : null;
}

export function describeReason(code?: string | null): ReasonDescription {
  if (code && isKnownReason(code)) {
    return { sentence: REASON_SENTENCES[code], code, known: true };
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
