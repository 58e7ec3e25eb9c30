import type { OpenAPIObject } from '@nestjs/swagger';
import { REASON_CODES } from '@app/auth';
import { buildOfflineApiDocument } from '../../../../scripts/openapi-document';
import { documentedRoutes } from './api-document';

/**
 * The document as scripts/openapi.ts builds it (no MariaDB, no Redis). The
 * e2e suite compares it with the routes the running app mounts; here, what
 * each route must say whatever it is.
 */
describe('The API document from the decorators', () => {
  let document: OpenAPIObject;

  beforeAll(async () => {
    document = await buildOfflineApiDocument();
  });

  it('has the routes of every part of the API, Google and the admin ones too', () => {
    expect(documentedRoutes(document)).toEqual(
      expect.arrayContaining([
        'GET /auth/facebook',
        'GET /auth/google/callback',
        'GET /api/auth/operation/events',
        'GET /api/me',
        'GET /health/ready',
        'GET /admin/operations',
      ]),
    );
  });

  it('gives every route a summary, a tag and only described answers', () => {
    const missing: string[] = [];
    for (const [path, item] of Object.entries(document.paths)) {
      for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
        const operation = item[method];
        if (!operation) continue;
        if (!operation.summary) missing.push(`${method} ${path}: summary`);
        if (!operation.tags?.length) missing.push(`${method} ${path}: tag`);
        const responses = Object.entries(operation.responses);
        if (!responses.length) missing.push(`${method} ${path}: responses`);
        for (const [status, response] of responses) {
          if (!(response as { description?: string }).description) missing.push(`${method} ${path} ${status}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('answers the browser routes with redirects only', () => {
    for (const route of ['/auth/facebook', '/auth/facebook/callback', '/auth/google', '/auth/google/callback']) {
      expect(Object.keys(document.paths[route].get!.responses)).toEqual(['302']);
    }
  });

  it('describes the reason codes once, as the contract lists them', () => {
    const schemas = document.components!.schemas as Record<string, { enum?: unknown[] }>;
    expect(schemas.ReasonCode.enum).toEqual([...REASON_CODES]);
  });

  it('sends JSON errors even from the routes that produce events or HTML', () => {
    const events = document.paths['/api/auth/operation/events'].get!.responses;
    expect(Object.keys((events['404'] as { content: object }).content)).toEqual(['application/json']);
    const page = document.paths['/auth/facebook/data-deletion/{code}'].get!.responses;
    expect(Object.keys((page['200'] as { content: object }).content)).toEqual(['text/html']);
    expect(Object.keys((page['404'] as { content: object }).content)).toEqual(['application/json']);
  });
});
