import { Module } from '@nestjs/common';
import { ObservabilityModule } from '@app/observability';
import { ExchangeQueueModule } from '../queue/exchange-queue.module';
import { SignInMetrics } from './sign-in-metrics';

/** The sign-in counters and the queue's depth, on the process's metrics registry (API and worker). */
@Module({
  imports: [ObservabilityModule, ExchangeQueueModule],
  providers: [SignInMetrics],
})
export class SignInMetricsModule {}
