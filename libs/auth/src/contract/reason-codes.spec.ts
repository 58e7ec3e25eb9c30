import { REASON_CODES, ReasonCode, isReasonCode } from './reason-codes';
import { failureFor } from '../core/reason-codes';

describe('ReasonCode', () => {
  it('lists each code once, as the snake_case it travels as', () => {
    expect(new Set(REASON_CODES).size).toBe(REASON_CODES.length);
    for (const code of REASON_CODES) expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
    expect(REASON_CODES).toEqual(Object.values(ReasonCode));
  });

  it('keeps the codes the SPA and old links already know', () => {
    expect(REASON_CODES).toEqual(
      expect.arrayContaining(['access_denied', 'invalid_state', 'provider_unavailable', 'rate_limited', 'timeout']),
    );
  });

  it.each([...REASON_CODES])('recognises %s', (code) => {
    expect(isReasonCode(code)).toBe(true);
  });

  it.each(['', 'Access_Denied', 'facebook_error', 'constructor', 'toString', 42, null, undefined, ['internal']])(
    'does not take %p for a code',
    (value) => {
      expect(isReasonCode(value)).toBe(false);
    },
  );

  it.each([...REASON_CODES])('has a server message for %s, naming the provider where it should', (code) => {
    const { code: failed, message } = failureFor(code, 'Example');
    expect(failed).toBe(code);
    expect(message.length).toBeGreaterThan(10);
  });
});
