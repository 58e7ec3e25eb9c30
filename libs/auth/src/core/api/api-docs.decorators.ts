import { applyDecorators } from '@nestjs/common';
import { ApiCookieAuth, ApiExtraModels, ApiQuery, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { HttpErrorDto } from './auth-api.dto';

/**
 * OpenAPI decorators that the sign-in routes of every provider share, so each
 * controller documents itself the same way (apps/api/src/api-docs builds the
 * document from them).
 */

/** A JSON error answer (Nest's `{statusCode, message, error}`), JSON even on a route that produces HTML or events. */
export const ApiHttpError = (status: number, description: string) =>
  applyDecorators(
    ApiExtraModels(HttpErrorDto),
    ApiResponse({
      status,
      description,
      content: { 'application/json': { schema: { $ref: getSchemaPath(HttpErrorDto) } } },
    }),
  );

/** A browser route's 302, with where it may go. */
export const ApiRedirect = (description: string) =>
  ApiResponse({
    status: 302,
    description,
    headers: { Location: { description: 'Where the browser goes next.', schema: { type: 'string' } } },
  });

/** The 429 of a rate-limited JSON route. */
export const ApiRateLimited = () =>
  ApiHttpError(
    429,
    'Past the rate limit (RATE_LIMIT_MAX per RATE_LIMIT_WINDOW_MS); `Retry-After` says when to try again.',
  );

/** The 403 of SameOriginGuard. */
export const ApiCrossSite = () =>
  ApiHttpError(403, 'A cross-site request (`Origin` / `Sec-Fetch-Site` not this origin).');

/** A route behind AuthenticatedGuard: the session cookie, and the 401 without a signed-in one. */
export const ApiSignedIn = () => applyDecorators(ApiCookieAuth('session'), ApiHttpError(401, 'Not signed in.'));

/** The query every provider's start route (`GET /auth/<provider>`) takes. */
export const ApiSignInStartQuery = () =>
  applyDecorators(
    ApiQuery({
      name: 'returnTo',
      required: false,
      description:
        "Same-origin path to show after sign-in; anything else becomes `/`. Without it, `/` (never an earlier sign-in's).",
      schema: { type: 'string', example: '/settings' },
    }),
    ApiQuery({
      name: 'link',
      required: false,
      description: '`1` while signed in: link this provider to the signed-in person instead of going home.',
      schema: { type: 'string', enum: ['1'] },
    }),
  );

/** The query a provider's callback (`GET /auth/<provider>/callback`) may carry: strings, never logged. */
export const ApiCallbackQuery = (...names: string[]) =>
  applyDecorators(...names.map((name) => ApiQuery({ name, required: false, schema: { type: 'string' } })));
