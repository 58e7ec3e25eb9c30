import { DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import type { LoggingEnv } from '../env.schema';
import { createLogDestination, pinoHttpOptions, type PinoSettings } from './pino-options';

/**
 * nestjs-pino for one process: pino-http on every route (request id, one
 * completion line per request) and `Logger` from nestjs-pino for main.ts to
 * hand to `app.useLogger()`. A LoggerService given to NestFactory (tests'
 * LogCapture) still receives the app's own Nest log lines.
 */
@Module({})
export class AppLoggerModule {
  static forRoot(settings: PinoSettings): DynamicModule {
    return {
      module: AppLoggerModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (config: ConfigService<LoggingEnv, true>) => {
            const env: LoggingEnv = {
              NODE_ENV: config.get('NODE_ENV', { infer: true }),
              LOG_LEVEL: config.get('LOG_LEVEL', { infer: true }),
              LOG_DESTINATION: config.get('LOG_DESTINATION', { infer: true }),
            };
            return {
              pinoHttp: [pinoHttpOptions(env, settings), createLogDestination(env)],
              forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
            };
          },
        }),
      ],
    };
  }
}
