import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { AUTH_API_MODELS, FACEBOOK_PLATFORM_MODELS } from '@app/auth/api';
import { AUTH_ROUTE_DOCS, GOOGLE_ROUTE_DOCS } from './auth-routes.docs';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'] as const;

/**
 * The API's OpenAPI document: what the controllers' decorators say, plus
 * AUTH_ROUTE_DOCS for the undecorated sign-in routes. A documented route that
 * is not mounted throws, so the document cannot describe routes that are gone.
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
  const document = SwaggerModule.createDocument(app, config, {
    extraModels: [...AUTH_API_MODELS, ...FACEBOOK_PLATFORM_MODELS],
  });
  const googleMounted = Boolean(document.paths['/auth/google']);
  const routeDocs = { ...AUTH_ROUTE_DOCS, ...(googleMounted && GOOGLE_ROUTE_DOCS) };
  for (const [route, docs] of Object.entries(routeDocs)) {
    const [method, path] = route.split(' ') as [(typeof METHODS)[number], string];
    const operation = document.paths[path]?.[method.toLowerCase() as (typeof METHODS)[number]];
    if (!operation) throw new Error(`OpenAPI: ${route} is documented but not mounted`);
    Object.assign(operation, docs);
  }
  return document;
}

/** Every "METHOD /path" of a document, for tests. */
export function documentedRoutes(document: OpenAPIObject): string[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map((method) => `${method.toUpperCase()} ${path}`),
  );
}
