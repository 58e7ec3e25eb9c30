import { DynamicModule, Module } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { AuthModule, CALLBACK_PATH } from '@app/auth';
import { operationLogProps } from '@app/auth/operability';
import { SignInHistoryModule } from '@app/auth/sign-ins';
import { AppConfigModule, apiEnvSchema, validateEnv } from '@app/config';
import { AppLoggerModule } from '@app/config/logging';
import { DatabaseModule } from '@app/database';
import { RedisModule } from '@app/redis';
import { AdminModule } from './admin/admin.module';
import { ApiDocsModule } from './api-docs/api-docs.module';
import { ClientStaticModule } from './client-static.module';
import { ApiOpsModule } from './ops/api-ops.module';

@Module({})
export class ApiModule {
  /** Built at call time, so the environment is read when the app starts, not when this file loads. */
  static forRoot(): DynamicModule {
    const env = validateEnv(apiEnvSchema, process.env);
    return {
      module: ApiModule,
      imports: [
        AppConfigModule.forRoot(apiEnvSchema),
        // The callback's query is a code and a state: its URL is logged without it.
        AppLoggerModule.forRoot({ service: 'api', queryFreePaths: [CALLBACK_PATH], customProps: operationLogProps }),
        // The stream watcher keeps one listener per watched operation, so the default limit holds.
        EventEmitterModule.forRoot(),
        DatabaseModule,
        RedisModule,
        AuthModule,
        // After AuthModule: its log-context middleware reads the session.
        ApiOpsModule,
        SignInHistoryModule,
        AdminModule.forRoot(env),
        ApiDocsModule,
        ClientStaticModule.forRoot(env.SERVE_CLIENT),
      ],
    };
  }
}
