import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthChecks } from './health-checks';
import { MetricsRegistry } from './metrics.registry';
import { ReadinessRegistry } from './readiness.registry';

/**
 * Health checks and the metrics registry of a process (API or worker), with
 * no knowledge of what the process does: modules that own a connection add it
 * to ReadinessRegistry, and modules that count something register their
 * metrics on MetricsRegistry. Needs the app's DatabaseModule and RedisModule.
 */
@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' })],
  providers: [MetricsRegistry, ReadinessRegistry, HealthChecks],
  exports: [MetricsRegistry, ReadinessRegistry, HealthChecks],
})
export class ObservabilityModule {}
