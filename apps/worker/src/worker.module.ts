import { DynamicModule, Module } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { ScheduleModule } from '@nestjs/schedule';
import { OperationHistoryModule, OperationRetentionModule } from '@app/async-operations/history';
import { ExchangeMetrics, FacebookExchangeModule, GoogleExchangeModule, SignInMetricsModule } from '@app/auth/worker';
import { ObservabilityModule } from '@app/observability';
import { AppConfigModule, validateEnv, workerEnvSchema } from '@app/config';
import { AppLoggerModule } from '@app/config/logging';
import { DatabaseModule } from '@app/database';
import { RedisModule } from '@app/redis';
import { WorkerHealthServer } from './worker-health.server';

@Module({})
export class WorkerModule {
  static forRoot(): DynamicModule {
    const env = validateEnv(workerEnvSchema, process.env);
    return {
      module: WorkerModule,
      imports: [
        AppConfigModule.forRoot(workerEnvSchema),
        AppLoggerModule.forRoot({ service: 'worker' }),
        // Status transitions announce themselves locally: metrics and the sign-in history listen.
        EventEmitterModule.forRoot(),
        ScheduleModule.forRoot(),
        DatabaseModule,
        RedisModule,
        // Each provider's module brings the core's ExchangeWorkerModule (the processor, the deadline sweeper).
        FacebookExchangeModule.forRoot(),
        ...(env.GOOGLE_CLIENT_ID ? [GoogleExchangeModule.forRoot()] : []),
        ObservabilityModule,
        SignInMetricsModule,
        OperationHistoryModule,
        OperationRetentionModule,
      ],
      providers: [ExchangeMetrics, WorkerHealthServer],
    };
  }
}
