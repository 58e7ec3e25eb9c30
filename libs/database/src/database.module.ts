import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { BaseEnv } from '@app/config';
import { mysqlOptions } from './mysql-options';

/**
 * The TypeORM connection for an app. Entities come from the feature modules
 * (`TypeOrmModule.forFeature`), so bundling never depends on file globs.
 */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<BaseEnv, true>) => ({
        ...mysqlOptions(config.get('DATABASE_URL', { infer: true })),
        autoLoadEntities: true,
        // Fail boot fast with a clear error instead of TypeORM's long retry loop.
        retryAttempts: 1,
        retryDelay: 500,
      }),
    }),
  ],
})
export class DatabaseModule {}
