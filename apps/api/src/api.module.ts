import { DynamicModule, Module } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { AuthModule } from '@app/auth';
import { AppConfigModule, apiEnvSchema, validateEnv } from '@app/config';
import { DatabaseModule } from '@app/database';
import { RedisModule } from '@app/redis';
import { ClientStaticModule } from './client-static.module';

@Module({})
export class ApiModule {
  /** Built at call time, so the environment is read when the app starts, not when this file loads. */
  static forRoot(): DynamicModule {
    const env = validateEnv(apiEnvSchema, process.env);
    return {
      module: ApiModule,
      imports: [
        AppConfigModule.forRoot(apiEnvSchema),
        // One listener per open stream on the resync event: no leak warning for that.
        EventEmitterModule.forRoot({ maxListeners: 100_000 }),
        DatabaseModule,
        RedisModule,
        AuthModule,
        ClientStaticModule.forRoot(env.SERVE_CLIENT),
      ],
    };
  }
}
