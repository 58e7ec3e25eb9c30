import { describe, expect, it } from 'vitest';
import { REASON_CODES } from '@contract/reason-codes';
import * as reasons from './reasons';
import {
  describeReason,
  FACEBOOK_REASONS,
  GENERIC_SENTENCE,
  KNOWN_REASONS,
  REASON_SENTENCES,
  reasonFromQuery,
} from './reasons';

/** The codes whose sentence names the operation's provider. */
const NAMING_THE_PROVIDER = new Set([
  'access_denied',
  'provider_error',
  'invalid_request',
  'code_rejected',
  'provider_timeout',
  'provider_unavailable',
  'provider_bad_response',
  'identity_not_linked',
  'identity_in_use',
]);

/** Display names, and `null` for a provider the SPA does not know. */
const PROVIDERS = ['Facebook', 'Google', null] as const;
const NAMES = ['Facebook', 'Google'];

const cases = KNOWN_REASONS.flatMap((code) =>
  PROVIDERS.map((provider) => [code, provider] as const),
);

describe('describeReason', () => {
  it('knows every code of the contract the server shares, timeout too', () => {
    expect(KNOWN_REASONS).toEqual(REASON_CODES);
    expect(KNOWN_REASONS).toContain('timeout');
    for (const code of REASON_CODES) {
      expect(typeof REASON_SENTENCES[code]).toBe('function');
    }
  });

  it.each(cases)('explains %s with %s', (code, provider) => {
    const described = describeReason(code, provider);
    expect(described.known).toBe(true);
    expect(described.code).toBe(code);
    expect(described.sentence).toBe(REASON_SENTENCES[code](provider));
    expect(described.sentence).not.toContain(GENERIC_SENTENCE);
    expect(described.sentence).toMatch(/^[A-Z].*\.$/);
    const others = NAMES.filter((name) => name !== provider);
    for (const other of others) expect(described.sentence).not.toContain(other);
    if (provider && NAMING_THE_PROVIDER.has(code)) {
      expect(described.sentence).toContain(provider);
    }
    if (!NAMING_THE_PROVIDER.has(code)) {
      expect(described.sentence).toBe(REASON_SENTENCES[code](null));
    }
  });

  it.each(PROVIDERS)('gives every code its own sentence (%s)', (provider) => {
    const sentences = KNOWN_REASONS.map(
      (code) => describeReason(code, provider).sentence,
    );
    expect(new Set(sentences).size).toBe(KNOWN_REASONS.length);
  });

  it('words Facebook’s failures as it always did', () => {
    const facebook = (code: string) =>
      describeReason(code, 'Facebook').sentence;
    expect(facebook('access_denied')).toBe(
      'You cancelled the sign-in on Facebook, so you are not signed in.',
    );
    expect(facebook('provider_error')).toBe(
      'Facebook reported a problem with the sign-in.',
    );
    expect(facebook('code_rejected')).toBe(
      'Facebook said the sign-in link has expired or was already used.',
    );
    expect(facebook('provider_timeout')).toBe(
      'Facebook took too long to answer; please try again.',
    );
    expect(facebook('provider_unavailable')).toBe(
      'Facebook is not answering right now. Please try again in a few minutes.',
    );
    expect(facebook('provider_bad_response')).toBe(
      'Facebook sent an answer we could not read.',
    );
    expect(facebook('invalid_request')).toBe(
      'The sign-in request for Facebook was incomplete or not valid, so we could not sign you in.',
    );
  });

  it('names Google for Google’s failures', () => {
    expect(describeReason('access_denied', 'Google').sentence).toBe(
      'You cancelled the sign-in on Google, so you are not signed in.',
    );
    expect(describeReason('provider_unavailable', 'Google').sentence).toBe(
      'Google is not answering right now. Please try again in a few minutes.',
    );
  });

  it('says an e-mail that is already known is not linked silently', () => {
    expect(describeReason('identity_not_linked', 'Google').sentence).toBe(
      'An account with this e-mail already exists. Sign in the way you did before, then link Google from your page.',
    );
    expect(describeReason('identity_not_linked', 'Facebook').sentence).toBe(
      'An account with this e-mail already exists. Sign in the way you did before, then link Facebook from your page.',
    );
    expect(describeReason('identity_not_linked', null).sentence).toBe(
      'An account with this e-mail already exists. Sign in the way you did before, then link this account from your page.',
    );
  });

  it('says an identity linked to someone else is not linked again', () => {
    expect(describeReason('identity_in_use', 'Google').sentence).toBe(
      'This Google account is already linked to another person.',
    );
    expect(describeReason('identity_in_use', 'Facebook').sentence).toBe(
      'This Facebook account is already linked to another person.',
    );
    expect(describeReason('identity_in_use', null).sentence).toBe(
      'This account is already linked to another person.',
    );
  });

  it('words a provider it does not know without naming one', () => {
    expect(describeReason('provider_timeout', null).sentence).toBe(
      'The service you chose took too long to answer; please try again.',
    );
    expect(describeReason('access_denied', null).sentence).toBe(
      'You cancelled the sign-in, so you are not signed in.',
    );
  });

  it('explains the cases in plain words', () => {
    expect(describeReason('access_denied', 'Facebook').sentence).toMatch(
      /cancelled/,
    );
    expect(describeReason('invalid_state', 'Facebook').sentence).toMatch(
      /expired or was already used/,
    );
    expect(describeReason('rate_limited', 'Google').sentence).toMatch(
      /wait a moment/,
    );
  });

  it.each(Object.entries(FACEBOOK_REASONS))(
    'reads the older %s as %s with Facebook, whatever the provider given',
    (old, code) => {
      for (const provider of PROVIDERS) {
        const described = describeReason(old, provider);
        expect(described.known).toBe(true);
        expect(described.sentence).toBe(REASON_SENTENCES[code]('Facebook'));
      }
    },
  );

  it('falls back to a generic sentence that includes an unknown code', () => {
    const described = describeReason('weird_failure', 'Google');
    expect(described.known).toBe(false);
    expect(described.sentence).toContain(GENERIC_SENTENCE);
    expect(described.sentence).toContain('weird_failure');
    expect(described.code).toBe('weird_failure');
  });

  it('gives the generic sentence without a code', () => {
    expect(describeReason(undefined, 'Facebook').sentence).toBe(
      GENERIC_SENTENCE,
    );
    expect(describeReason(null, 'Facebook').sentence).toBe(GENERIC_SENTENCE);
    expect(describeReason('', null).sentence).toBe(GENERIC_SENTENCE);
  });

  it('does not echo text that is not a code', () => {
    const described = describeReason(
      'Call +1 555 0100 to unlock your account',
      'Facebook',
    );
    expect(described.sentence).toBe(GENERIC_SENTENCE);
    expect(described.code).toBeNull();
  });

  it('does not treat Object.prototype names as known codes', () => {
    expect(describeReason('constructor', 'Facebook').known).toBe(false);
    expect(describeReason('hasOwnProperty', null).known).toBe(false);
  });

  it('knows a code by the contract’s own check, not a copy of it', () => {
    expect(reasons).not.toHaveProperty('isKnownReason');
    for (const code of REASON_CODES)
      expect(describeReason(code, null).known).toBe(true);
    expect(describeReason('facebook_error', null).code).toBe('facebook_error');
  });
});

describe('reasonFromQuery', () => {
  it('reads a string, the first of an array, or nothing', () => {
    expect(reasonFromQuery('timeout')).toBe('timeout');
    expect(reasonFromQuery(['timeout', 'x'])).toBe('timeout');
    expect(reasonFromQuery(undefined)).toBeNull();
    expect(reasonFromQuery('  ')).toBeNull();
  });
});
