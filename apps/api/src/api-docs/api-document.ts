import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

const REASON_CODE_DESCRIPTION =
  "Why a sign-in ended without a user (`/login/error?reason=`, an operation's `error.code`): the list the server and the SPA share (libs/auth/src/contract/reason-codes.ts).";

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'] as const;

/**
 * The API's OpenAPI document: what the controllers' @nestjs/swagger
 * decorators say, each route documented beside its code. The same function
 * serves /api/docs-json and writes docs/openapi.json (scripts/openapi.ts).
 */
export function buildApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('async-facebook-login')
    .setDescription(
      '"Log in with Facebook", done asynchronously: the OAuth callback answers at once, a worker exchanges the code, and the browser hears the result over server-sent events. Errors are Nest\'s JSON `{statusCode, message, error}`.',
    )
    .setVersion('1')
    .addCookieAuth(
      'afl.sid',
      {
        type: 'apiKey',
        in: 'cookie',
        description: '`__Host-afl.sid` over https.',
      },
      'session',
    )
    .addBasicAuth(
      {
        type: 'http',
        scheme: 'basic',
        description: 'ADMIN_USER / ADMIN_PASSWORD.',
      },
      'admin',
    )
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        description: 'METRICS_TOKEN, when set.',
      },
      'metrics',
    )
    .build();
  const document = SwaggerModule.createDocument(app, config);
  // The enum's own words: swagger would copy those of whichever property it met first.
  const reasonCode = document.components?.schemas?.ReasonCode;
  if (reasonCode) Object.assign(reasonCode, { description: REASON_CODE_DESCRIPTION });
  return document;
}

/** Every "METHOD /path" of a document, for tests. */
export function documentedRoutes(document: OpenAPIObject): string[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map((method) => `${method.toUpperCase()} ${path}`),
  );
}
