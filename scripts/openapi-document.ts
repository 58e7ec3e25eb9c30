import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { ApiModule } from '../apps/api/src/api.module';
import { buildApiDocument } from '../apps/api/src/api-docs/api-document';

/**
 * The settings the document is built for: a deployment with every optional
 * part on (Google configured, the admin routes mounted), so the document
 * names every route the API can have. Nothing here is ever connected to.
 */
export const DOCUMENT_ENV: Record<string, string> = {
  PUBLIC_URL: 'http://localhost:3000',
  SERVE_CLIENT: 'false',
  SESSION_SECRET: 'openapi-document-only-not-a-secret-0123456789',
  FACEBOOK_APP_ID: '1234567890123456',
  FACEBOOK_APP_SECRET: 'openapi-document-only',
  GOOGLE_CLIENT_ID: 'openapi-document.apps.googleusercontent.test',
  GOOGLE_CLIENT_SECRET: 'openapi-document-only',
  ADMIN_USER: 'openapi',
  ADMIN_PASSWORD: 'openapi-document-only',
};

/**
 * The API's OpenAPI document, built without MariaDB or Redis: the real
 * ApiModule.forRoot() under DOCUMENT_ENV, in Nest's preview mode, which
 * lays out the modules and their routes but creates no provider (so no
 * connection is ever opened); the scanner reads only the decorators.
 * test/ops/api-docs.e2e-spec.ts checks that the running app serves this same document.
 */
export async function buildOfflineApiDocument(): Promise<OpenAPIObject> {
  const saved = process.env;
  process.env = { PATH: saved.PATH, ...DOCUMENT_ENV };
  try {
    const app = await NestFactory.create(ApiModule.forRoot(), { preview: true, logger: false, abortOnError: false });
    try {
      return buildApiDocument(app);
    } finally {
      await app.close();
    }
  } finally {
    process.env = saved;
  }
}
