import { GoogleApiError, classifyGoogleErrorResponse } from './google-api.error';

describe(classifyGoogleErrorResponse.name, () => {
  it('calls invalid_grant on the token call a rejected code, not worth a retry', () => {
    const error = classifyGoogleErrorResponse('token', 400, {
      error: 'invalid_grant',
      error_description: 'Bad Request',
    });
    expect(error).toBeInstanceOf(GoogleApiError);
    expect(error).toMatchObject({
      reason: 'code_rejected',
      retryable: false,
      message: 'Google token call failed with HTTP 400 (invalid_grant: Bad Request)',
      details: { status: 400, googleError: 'invalid_grant' },
    });
  });

  it.each([
    [401, 'invalid_client'],
    [400, 'unauthorized_client'],
    [400, 'invalid_request'],
    [403, undefined],
  ])('calls HTTP %i %s a provider error, final', (status, googleError) => {
    const error = classifyGoogleErrorResponse('token', status, googleError ? { error: googleError } : '<html>');
    expect(error).toMatchObject({ reason: 'provider_error', retryable: false });
  });

  it.each([500, 502, 503, 504, 429])('retries HTTP %i as provider_unavailable', (status) => {
    expect(classifyGoogleErrorResponse('token', status, undefined)).toMatchObject({
      reason: 'provider_unavailable',
      retryable: true,
    });
  });

  describe('what a failed token call did to the code', () => {
    it('leaves it untouched after throttling or a "temporarily_unavailable"', () => {
      expect(classifyGoogleErrorResponse('token', 429, { error: 'rate_limit_exceeded' }).codeMayBeSpent).toBe(false);
      expect(classifyGoogleErrorResponse('token', 503, { error: 'temporarily_unavailable' }).codeFate).toBe(
        'untouched',
      );
    });

    it('cannot tell after a bare 5xx (a proxy may answer after Google spent it)', () => {
      const error = classifyGoogleErrorResponse('token', 502, '<html>Bad gateway</html>');
      expect(error).toMatchObject({ retryable: true, codeFate: 'unknown', codeMayBeSpent: true });
    });

    it('is never at stake in the other calls', () => {
      expect(classifyGoogleErrorResponse('discovery', 502, undefined).codeFate).toBe('untouched');
      expect(classifyGoogleErrorResponse('discovery', 400, { error: 'invalid_grant' }).reason).toBe('provider_error');
    });
  });

  it("keeps Google's words short and never echoes a whole body", () => {
    const error = classifyGoogleErrorResponse('token', 400, {
      error: 'invalid_request',
      error_description: 'x'.repeat(5000),
    });
    expect(error.message.length).toBeLessThan(300);
  });
});
