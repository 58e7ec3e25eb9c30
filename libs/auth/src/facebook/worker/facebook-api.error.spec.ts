import { classifyFacebookErrorResponse } from './facebook-api.error';
import { ReasonCode } from '../../core/reason-codes';

const fbError = (code: number, extra: Record<string, unknown> = {}) => ({
  error: { message: 'x', type: 'OAuthException', code, fbtrace_id: 'A', ...extra },
});

describe(classifyFacebookErrorResponse.name, () => {
  it.each([500, 502, 503, 504])('retries HTTP %i', (status) => {
    const error = classifyFacebookErrorResponse('token', status, fbError(2));
    expect(error.retryable).toBe(true);
    expect(error.reason).toBe(ReasonCode.ProviderUnavailable);
  });

  it.each([4, 17, 32, 613])('retries throttling code %i even on a 4xx', (code) => {
    expect(classifyFacebookErrorResponse('profile', 400, fbError(code)).retryable).toBe(true);
  });

  it('retries what Facebook marks as transient', () => {
    expect(classifyFacebookErrorResponse('token', 400, fbError(368, { is_transient: true })).retryable).toBe(true);
  });

  it('does not retry a rejected code, and says so', () => {
    const error = classifyFacebookErrorResponse('token', 400, fbError(100, { error_subcode: 36009 }));
    expect(error.retryable).toBe(false);
    expect(error.reason).toBe(ReasonCode.CodeRejected);
    expect(error.details).toMatchObject({ status: 400, facebookCode: 100, subcode: 36009 });
  });

  it('does not retry a wrong client secret (code 1 on a 4xx)', () => {
    const error = classifyFacebookErrorResponse('token', 400, fbError(1));
    expect(error.retryable).toBe(false);
    expect(error.reason).toBe(ReasonCode.ProviderError);
  });

  it('treats a 4xx without a Facebook body as final', () => {
    const error = classifyFacebookErrorResponse('profile', 403, 'nope');
    expect(error.retryable).toBe(false);
  });

  describe('what a failed token call did to the code', () => {
    it.each([
      ['throttling (code 4)', 400, fbError(4)],
      ["Facebook's transient 5xx (code 2)", 500, fbError(2)],
      ['an answer marked is_transient', 503, fbError(368, { is_transient: true })],
      ['HTTP 429', 429, undefined],
    ])('leaves it untouched after %s', (_what, status, body) => {
      expect(classifyFacebookErrorResponse('token', status, body).details.codeFate).toBe('untouched');
    });

    it('cannot tell after a bare 5xx (a proxy may answer after Facebook spent it)', () => {
      const error = classifyFacebookErrorResponse('token', 502, '<html>Bad gateway</html>');
      expect(error.retryable).toBe(true);
      expect(error.details.codeFate).toBe('unknown');
    });

    it('recognises "code already used" (100/36009) and nothing else as such', () => {
      expect(classifyFacebookErrorResponse('token', 400, fbError(100, { error_subcode: 36009 })).codeAlreadyUsed).toBe(
        true,
      );
      expect(classifyFacebookErrorResponse('token', 400, fbError(100, { error_subcode: 36007 })).codeAlreadyUsed).toBe(
        false,
      );
    });
  });
});
