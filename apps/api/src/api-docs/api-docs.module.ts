import { Injectable, MiddlewareConsumer, Module, NestModule, OnModuleInit, RequestMethod } from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost, ModulesContainer } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import type { ExpressAdapter } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { allowInlineStyles } from '../ops/inline-styles-csp.middleware';
import { buildApiDocument } from './api-document';

export const API_DOCS_PATH = 'api/docs';
export const API_DOCS_JSON_PATH = 'api/docs-json';

/**
 * Mounts Swagger UI at /api/docs and the JSON at /api/docs-json while the
 * app initialises, so every way of creating the API (main.ts, the e2e
 * TestStack) serves them. The document is built on first request, when
 * every route is mounted. SwaggerModule wants the application; a module has
 * the container and the HTTP adapter, which is all the scanner reads.
 */
@Injectable()
export class ApiDocsMount implements OnModuleInit {
  constructor(
    private readonly modules: ModulesContainer,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter as ExpressAdapter;
    const app = {
      container: {
        getModules: () => this.modules,
        isGlobalModule: () => false,
      },
      config: new ApplicationConfig(),
      getHttpAdapter: () => adapter,
      useStaticAssets: (path: string, options: object): void => void adapter.useStaticAssets(path, options),
    } as unknown as INestApplication;
    SwaggerModule.setup(API_DOCS_PATH, app, () => buildApiDocument(app), {
      jsonDocumentUrl: API_DOCS_JSON_PATH,
      raw: ['json'],
      customSiteTitle: 'async-facebook-login API',
      swaggerOptions: { validatorUrl: null, withCredentials: true },
    });
  }
}

@Module({ providers: [ApiDocsMount] })
export class ApiDocsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(allowInlineStyles)
      .forRoutes(
        { path: API_DOCS_PATH, method: RequestMethod.GET },
        { path: `${API_DOCS_PATH}/{*path}`, method: RequestMethod.GET },
      );
  }
}
