import { readFileSync } from 'node:fs';
import { METHODS } from 'node:http';
import { join } from 'node:path';
import type { OpenAPIObject } from '@nestjs/swagger';
import { documentedRoutes } from '../../apps/api/src/api-docs/api-document';
import { REASON_CODES } from '@app/auth';
import { ROOT, TestStack } from '../support/test-stack';

interface ExpressLayer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
}

/**
 * Every "METHOD /path" the API's Express router really has, in OpenAPI's
 * `{param}` spelling. Nest mounts exact-path middleware with `all()`, which
 * gives a route every method Node knows: those are middleware, not routes.
 */
function mountedRoutes(stack: TestStack): string[] {
  const express = stack.api.getHttpAdapter().getInstance() as {
    router: { stack: ExpressLayer[] };
  };
  return express.router.stack.flatMap(({ route }) => {
    if (!route || Object.keys(route.methods).length >= METHODS.length) return [];
    const paths = Array.isArray(route.path) ? route.path : [route.path];
    return paths.flatMap((path) =>
      Object.keys(route.methods)
        .filter((method) => method !== '_all')
        .map((method) => `${method.toUpperCase()} ${path.replace(/:(\w+)/g, '{$1}')}`),
    );
  });
}

/** The document's own routes (the UI, its files and the JSON) are the only ones it need not describe. */
const isDocsRoute = (route: string) => / \/api\/docs(-json|\/|$)/.test(route);

describe('The OpenAPI document (/api/docs, /api/docs-json)', () => {
  let stack: TestStack;
  let document: OpenAPIObject;

  beforeAll(async () => {
    // Admin on, so its routes are mounted and must be documented too.
    stack = await TestStack.start({
      env: { ADMIN_USER: 'support', ADMIN_PASSWORD: 'a-long-enough-password' },
      worker: 'none',
    });
    const response = await fetch(stack.apiUrl + '/api/docs-json');
    expect(response.status).toBe(200);
    document = (await response.json()) as OpenAPIObject;
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('lists every route the API mounts, and no route it does not', () => {
    const mounted = mountedRoutes(stack).filter((route) => !isDocsRoute(route));
    expect(mounted.length).toBeGreaterThan(10);
    expect(documentedRoutes(document).sort()).toEqual([...new Set(mounted)].sort());
  });

  it('is the committed docs/openapi.json, which scripts/openapi.ts builds without MariaDB or Redis', () => {
    // The committed file (and the SPA's types from it) come from the controllers alone: this is
    // where a route that the app mounts but that file leaves out, or the other way round, shows.
    const committed = JSON.parse(readFileSync(join(ROOT, 'docs/openapi.json'), 'utf8')) as OpenAPIObject;
    expect(document).toEqual(committed);
  });

  it('describes every answer of every route (a route without docs fails here)', () => {
    const undescribed: string[] = [];
    for (const [path, item] of Object.entries(document.paths)) {
      for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
        const responses = Object.entries(item[method]?.responses ?? {});
        if (item[method] && !responses.length) undescribed.push(`${method} ${path}: no responses`);
        for (const [status, response] of responses) {
          // Swagger gives an undecorated route a bare `200: {description: ''}`.
          if (!(response as { description?: string }).description) undescribed.push(`${method} ${path} ${status}`);
        }
        if (item[method] && !item[method].summary) undescribed.push(`${method} ${path}: no summary`);
      }
    }
    expect(undescribed).toEqual([]);
  });

  it('describes the event stream as text/event-stream, with its event shape', () => {
    const events = document.paths['/api/auth/operation/events'].get!;
    const content = (
      events.responses['200'] as {
        content: Record<string, { schema: { $ref: string } }>;
      }
    ).content;
    expect(Object.keys(content)).toEqual(['text/event-stream']);
    expect(content['text/event-stream'].schema.$ref).toBe('#/components/schemas/OperationStatusEventDto');
    const schemas = document.components!.schemas as Record<string, { properties: Record<string, unknown> }>;
    expect(Object.keys(schemas.OperationStatusEventDto.properties).sort()).toEqual(['data', 'event', 'id']);
    expect(Object.keys(schemas.OperationViewDto.properties).sort()).toEqual([
      'error',
      'id',
      'returnTo',
      'status',
      'user',
    ]);
    expect(Object.keys(schemas.SignInDto.properties).sort()).toEqual(
      ['at', 'clientIp', 'id', 'reason', 'reasonMessage', 'status', 'userAgent'].sort(),
    );
  });

  it('names the reason codes as one enum, the contract the SPA shares', () => {
    const schemas = document.components!.schemas as Record<string, { enum?: string[] }>;
    expect(schemas.ReasonCode.enum).toEqual([...REASON_CODES]);
    const error = schemas.OperationErrorDto as { properties: Record<string, { allOf?: { $ref: string }[] }> };
    expect(error.properties.code.allOf).toEqual([{ $ref: '#/components/schemas/ReasonCode' }]);
  });

  it('serves Swagger UI from this origin, with inline styles allowed there only', async () => {
    const page = await fetch(stack.apiUrl + '/api/docs');
    expect(page.status).toBe(200);
    const html = await page.text();
    const scripts = [...html.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const src of scripts) {
      expect(src).not.toMatch(/^(https?:)?\/\//);
      expect((await fetch(new URL(src, stack.apiUrl + '/api/docs/'))).status).toBe(200);
    }
    expect(html).not.toMatch(/<script>(?!\s*<\/script>)/); // no inline script
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toMatch(/style-src 'self' 'unsafe-inline'/);

    const elsewhere = (await fetch(stack.apiUrl + '/api/me')).headers.get('content-security-policy')!;
    expect(elsewhere).toMatch(/style-src 'self'(;|$)/);
  });
});
