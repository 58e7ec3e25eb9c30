import { describe, expect, it } from '@jest/globals';
import { errorShapeFor, isEmulatorErrorBody, isGooglePath } from './error-shapes';

describe(errorShapeFor.name, () => {
  it('answers in Google’s shape under /google (any case) and Facebook’s elsewhere', () => {
    expect(isGooglePath('/google')).toBe(true);
    expect(isGooglePath('/GOOGLE/token')).toBe(true);
    expect(isGooglePath('/googlex/token')).toBe(false);
    expect(errorShapeFor('/google/x').notFound('/google/x')).toEqual({
      status: 404,
      body: { error: 'not_found', error_description: 'Not Found' },
    });
    expect(errorShapeFor('/v25.0/x').notFound('/v25.0/x').body).toMatchObject({
      error: { code: 2500 },
    });
  });

  it('passes both sides’ bodies through, but not Nest’s defaults', () => {
    expect(isEmulatorErrorBody({ error: { message: 'knob' } })).toBe(true);
    expect(
      isEmulatorErrorBody({
        error: 'invalid_grant',
        error_description: 'Bad Request',
      }),
    ).toBe(true);
    expect(
      isEmulatorErrorBody({
        statusCode: 404,
        message: 'Cannot GET /x',
        error: 'Not Found',
      }),
    ).toBe(false);
  });
});
