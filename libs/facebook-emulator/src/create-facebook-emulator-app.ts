import type { LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { FacebookEmulatorModule } from './facebook-emulator.module';
import { FacebookExceptionFilter } from './facebook-exception.filter';
import type { FacebookEmulatorOptions } from './facebook-emulator.options';

export interface CreateFacebookEmulatorAppOptions {
  /** Default: warnings and errors only (no per-route boot chatter). */
  logger?: LoggerService | LogLevel[] | false;
}

/** The emulator as a configured, not yet listening, Nest application. */
export async function createFacebookEmulatorApp(
  options: FacebookEmulatorOptions,
  appOptions: CreateFacebookEmulatorAppOptions = {},
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    FacebookEmulatorModule.forRoot(options),
    { logger: appOptions.logger ?? ['error', 'warn'], abortOnError: false },
  );
  return configureFacebookEmulatorApp(app);
}

/** Shared by createFacebookEmulatorApp and apps built with @nestjs/testing. */
export function configureFacebookEmulatorApp<T extends NestExpressApplication>(
  app: T,
): T {
  app.disable('x-powered-by');
  app.set('etag', false);
  app.useGlobalFilters(new FacebookExceptionFilter());
  return app;
}
