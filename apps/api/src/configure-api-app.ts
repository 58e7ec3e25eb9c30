import type { NestExpressApplication } from '@nestjs/platform-express';

/** Settings of the HTTP app itself, shared by main.ts and the e2e tests. */
export function configureApiApp(app: NestExpressApplication): NestExpressApplication {
  app.disable('x-powered-by');
  app.enableShutdownHooks();
  return app;
}
