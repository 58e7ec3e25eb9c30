import { DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { ScheduleModule } from '@nestjs/schedule';
import { OperationHistoryModule, OperationRetentionModule } from '@app/async-operations/history';
import { ExchangeMetrics, FacebookExchangeModule, GoogleExchangeModule, SignInMetricsModule } from '@app/auth/worker';
import { ObservabilityModule } from '@app/observability';
import { AppConfigModule, validateEnv, workerEnvSchema } from '@app/config';
import { AppLoggerModule } from '@app/config/logging';
import { DatabaseModule } from '@app/database';
import { RedisModule } from '@app/redis';
import { WorkerHealthApp } from './worker-health.app';

/** What a host app adds to the worker: its own modules (listeners of SIGN_IN_FINISHED_EVENT), and the fields it asks providers for. */
export interface WorkerModuleOptions {
  imports?: ModuleMetadata['imports'];
  facebook?: Parameters<typeof FacebookExchangeModule.forRoot>[0];
  google?: Parameters<typeof GoogleExchangeModule.forRoot>[0];
}

@Module({})
export class WorkerModule {
  static forRoot(options: WorkerModuleOptions = {}): DynamicModule {
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
        FacebookExchangeModule.forRoot(options.facebook),
        ...(env.GOOGLE_CLIENT_ID ? [GoogleExchangeModule.forRoot(options.google)] : []),
        ObservabilityModule,
        SignInMetricsModule,
        OperationHistoryModule,
        OperationRetentionModule,
        ...(options.imports ?? []),
      ],
      providers: [ExchangeMetrics, WorkerHealthApp],
    };
  }
}
