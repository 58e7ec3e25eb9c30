import 'reflect-metadata';
import type { DynamicModule, ForwardReference, Type } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { apiEnvSchema, validateEnv } from '@app/config';
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

type Import = Type | DynamicModule | Promise<DynamicModule> | ForwardReference;

/** Every controller a module tree mounts, read from the modules' metadata without creating any of them. */
async function controllersOf(root: Import, seen = new Set<unknown>()): Promise<Type[]> {
  let entry = await root;
  if ('forwardRef' in entry) entry = (entry as ForwardReference<() => Type | DynamicModule>).forwardRef();
  const dynamic = 'module' in entry ? entry : undefined;
  const moduleClass = dynamic ? dynamic.module : (entry as Type);
  if (seen.has(dynamic ?? moduleClass)) return [];
  seen.add(dynamic ?? moduleClass);
  const controllers: Type[] = [
    ...((Reflect.getMetadata('controllers', moduleClass) as Type[] | undefined) ?? []),
    ...(dynamic?.controllers ?? []),
  ];
  const imports: Import[] = [
    ...((Reflect.getMetadata('imports', moduleClass) as Import[] | undefined) ?? []),
    ...((dynamic?.imports as Import[] | undefined) ?? []),
  ];
  for (const child of imports) if (child) controllers.push(...(await controllersOf(child, seen)));
  return [...new Set(controllers)];
}

/** Stands in for every dependency but the configuration: any property is a function that does nothing. */
const inert: object = new Proxy(
  {},
  { get: (_target, key) => (key === 'then' || typeof key === 'symbol' ? undefined : () => undefined) },
);

/**
 * The API's OpenAPI document, built without MariaDB or Redis: the
 * controllers that ApiModule.forRoot() mounts under DOCUMENT_ENV, in a
 * testing module whose every dependency is inert (the scanner reads only
 * decorators). test/ops/api-docs.e2e-spec.ts checks that the real app
 * serves this same document.
 */
export async function buildOfflineApiDocument(): Promise<OpenAPIObject> {
  const saved = process.env;
  process.env = { PATH: saved.PATH, ...DOCUMENT_ENV };
  let controllers: Type[];
  let config: ConfigService;
  try {
    controllers = await controllersOf(ApiModule.forRoot());
    config = new ConfigService(validateEnv(apiEnvSchema, process.env));
  } finally {
    process.env = saved;
  }
  const moduleRef = await Test.createTestingModule({ controllers })
    .useMocker((token) => (token === ConfigService ? config : inert))
    .compile();
  const app = moduleRef.createNestApplication({ logger: false });
  try {
    return buildApiDocument(app);
  } finally {
    await app.close();
  }
}
