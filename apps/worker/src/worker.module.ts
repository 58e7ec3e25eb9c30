import { DynamicModule, Module } from '@nestjs/common';
import { FacebookLoginWorkerModule } from '@app/auth';
import { AppConfigModule, workerEnvSchema } from '@app/config';
import { DatabaseModule } from '@app/database';
import { RedisModule } from '@app/redis';

@Module({})
export class WorkerModule {
  static forRoot(): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        AppConfigModule.forRoot(workerEnvSchema),
        DatabaseModule,
        RedisModule,
        FacebookLoginWorkerModule,
      ],
    };
  }
}
