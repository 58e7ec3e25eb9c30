import { describe, expect, it } from 'vitest';
import {
  describeReason,
  GENERIC_SENTENCE,
  KNOWN_REASONS,
  REASON_SENTENCES,
  reasonFromQuery,
} from './reasons';

describe('describeReason', () => {
  it('gives every known code its own sentence', () => {
    const sentences = KNOWN_REASONS.map(
      (code) => describeReason(code).sentence,
    );
    expect(new Set(sentences).size).toBe(KNOWN_REASONS.length);
    for (const code of KNOWN_REASONS) {
      const described = describeReason(code);
      expect(described.known).toBe(true);
      expect(described.sentence).toBe(REASON_SENTENCES[code]);
      expect(described.sentence).not.toBe(GENERIC_SENTENCE);
    }
  });

  it('explains the cases in plain words', () => {
    expect(describeReason('access_denied').sentence).toMatch(/cancelled/);
    expect(describeReason('invalid_state').sentence).toMatch(
      /expired or was already used/,
    );
    expect(describeReason('rate_limited').sentence).toMatch(/wait a moment/);
  });

  it('falls back to a generic sentence that includes an unknown code', () => {
    const described = describeReason('weird_failure');
    expect(described.known).toBe(false);
    expect(described.sentence).toContain(GENERIC_SENTENCE);
    expect(described.sentence).toContain('weird_failure');
    expect(described.code).toBe('weird_failure');
  });

  it('gives the generic sentence without a code', () => {
    expect(describeReason(undefined).sentence).toBe(GENERIC_SENTENCE);
    expect(describeReason(null).sentence).toBe(GENERIC_SENTENCE);
    expect(describeReason('').sentence).toBe(GENERIC_SENTENCE);
  });

  it('does not echo text that is not a code', () => {
    const described = describeReason('Call +1 555 0100 to unlock your account');
    expect(described.sentence).toBe(GENERIC_SENTENCE);
    expect(described.code).toBeNull();
  });

  it('does not treat Object.prototype names as known codes', () => {
    expect(describeReason('constructor').known).toBe(false);
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
