import { DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { APP_FILTER } from '@nestjs/core';
import { providerCallbackPath } from '@app/auth';
import {
  DependencyUnavailableFilter,
  FacebookAuthModule,
  FACEBOOK,
  GOOGLE,
  GoogleAuthModule,
  SignInHistoryModule,
  operationLogProps,
} from '@app/auth/api';
import { AppConfigModule, apiEnvSchema, validateEnv } from '@app/config';
import { AppLoggerModule } from '@app/config/logging';
import { DatabaseModule } from '@app/database';
import { RedisModule } from '@app/redis';
import { AdminModule } from './admin/admin.module';
import { ApiDocsModule } from './api-docs/api-docs.module';
import { ClientStaticModule } from './client-static.module';
import { ApiOpsModule } from './ops/api-ops.module';

/** What a host app adds to the API: its own modules, and what it asks each provider for (docs/EXTENDING.md). */
export interface ApiModuleOptions {
  imports?: ModuleMetadata['imports'];
  facebook?: Parameters<typeof FacebookAuthModule.forRoot>[0];
  google?: Parameters<typeof GoogleAuthModule.forRoot>[0];
}

@Module({})
export class ApiModule {
  /** Built at call time, so the environment is read when the app starts, not when this file loads. */
  static forRoot(options: ApiModuleOptions = {}): DynamicModule {
    const env = validateEnv(apiEnvSchema, process.env);
    const google = Boolean(env.GOOGLE_CLIENT_ID);
    return {
      module: ApiModule,
      imports: [
        AppConfigModule.forRoot(apiEnvSchema),
        // A callback's query is a code and a state: its URL is logged without it.
        AppLoggerModule.forRoot({
          service: 'api',
          queryFreePaths: [FACEBOOK, ...(google ? [GOOGLE] : [])].map(providerCallbackPath),
          customProps: operationLogProps,
        }),
        // The stream watcher keeps one listener per watched operation, so the default limit holds.
        EventEmitterModule.forRoot(),
        DatabaseModule,
        RedisModule,
        // Each provider's module brings the core's AuthModule (sessions, the operation's routes).
        FacebookAuthModule.forRoot(options.facebook),
        ...(google ? [GoogleAuthModule.forRoot(options.google)] : []),
        ApiOpsModule,
        SignInHistoryModule,
        AdminModule.forRoot(env),
        ApiDocsModule,
        ...(options.imports ?? []),
        ClientStaticModule.forRoot(env.SERVE_CLIENT),
      ],
      // MySQL or Redis away: a 503 with a JSON error, never a 500 (the browser routes redirect instead).
      providers: [{ provide: APP_FILTER, useClass: DependencyUnavailableFilter }],
    };
  }
}
