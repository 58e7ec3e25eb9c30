import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LoginQueueModule } from '../login-queue.module';
import { HealthChecks } from './health-checks';
import { LoginMetrics } from './login-metrics';
import { MetricsRegistry } from './metrics.registry';

/**
 * Health checks and sign-in metrics of a process (API or worker). Needs the
 * app's DatabaseModule, RedisModule and EventEmitterModule.forRoot().
 */
@Module({
  imports: [
    TerminusModule.forRoot({ errorLogStyle: 'json' }),
    LoginQueueModule,
  ],
  providers: [MetricsRegistry, LoginMetrics, HealthChecks],
  exports: [MetricsRegistry, HealthChecks],
})
export class OperabilityModule {}
