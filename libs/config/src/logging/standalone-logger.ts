import type { LoggerService } from '@nestjs/common';
import { Logger, PinoLogger } from 'nestjs-pino';
import { pinoHttp, type HttpLogger } from 'pino-http';
import type { LoggingEnv } from '../env.schema';
import { createLogDestination, pinoHttpOptions, type PinoSettings } from './pino-options';

/**
 * The same logging for a process built without AppLoggerModule (the Facebook
 * emulator): a Nest LoggerService for NestFactory and an Express middleware
 * for the request lines, sharing one destination.
 */
export function createStandaloneLogging(
  env: LoggingEnv,
  settings: PinoSettings,
): { logger: LoggerService; httpLogger: HttpLogger } {
  const options = pinoHttpOptions(env, settings);
  const destination = createLogDestination(env);
  const logger = new Logger(new PinoLogger({ pinoHttp: [options, destination] }), {});
  return { logger, httpLogger: pinoHttp(options, destination) };
}
