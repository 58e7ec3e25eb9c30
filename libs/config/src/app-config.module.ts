import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { z } from 'zod';
import { validateEnv } from './validate-env';

@Module({})
export class AppConfigModule {
  /**
   * The one configuration mechanism: the environment, validated at boot by the
   * process's schema. Read values with `ConfigService<Env, true>.get(KEY, { infer: true })`.
   */
  static forRoot(schema: z.ZodType): DynamicModule {
    return {
      module: AppConfigModule,
      global: true,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          cache: true,
          validate: (env) => validateEnv(schema, env) as Record<string, unknown>,
        }),
      ],
      exports: [ConfigModule],
    };
  }
}
