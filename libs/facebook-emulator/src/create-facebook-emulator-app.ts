import type { LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { EmulatorExceptionFilter } from './emulator-exception.filter';
import { FacebookEmulatorModule } from './facebook-emulator.module';
import type { FacebookEmulatorOptions } from './facebook-emulator.options';
import { emulatorHostGuard } from './host-guard';

export interface CreateFacebookEmulatorAppOptions {
  /** Default: warnings and errors only (no per-route boot chatter). */
  logger?: LoggerService | LogLevel[] | false;
  /** The host it will listen on (EMULATOR_HOST), also accepted in the Host header. */
  listenHost?: string;
}

/** The emulator as a configured, not yet listening, Nest application. */
export async function createFacebookEmulatorApp(
  options: FacebookEmulatorOptions,
  appOptions: CreateFacebookEmulatorAppOptions = {},
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(FacebookEmulatorModule.forRoot(options), {
    logger: appOptions.logger ?? ['error', 'warn'],
    abortOnError: false,
  });
  return configureFacebookEmulatorApp(app, appOptions.listenHost);
}

/** Shared by createFacebookEmulatorApp and apps built with @nestjs/testing. */
export function configureFacebookEmulatorApp<T extends NestExpressApplication>(app: T, listenHost?: string): T {
  // DNS rebinding: a page of another origin must not drive the emulator through the browser.
  app.use(emulatorHostGuard(listenHost));
  app.disable('x-powered-by');
  app.set('etag', false);
  app.useGlobalFilters(new EmulatorExceptionFilter());
  return app;
}
