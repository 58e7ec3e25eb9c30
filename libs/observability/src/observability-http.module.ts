import { DynamicModule, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { BaseEnv } from '@app/config';
import { HealthChecks } from './health-checks';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';
import { MetricsRegistry } from './metrics.registry';
import { ObservabilityModule } from './observability.module';

/** What the routes answer from: a process's checks, registry and configuration. */
export interface ObservedProcess {
  checks: HealthChecks;
  metrics: MetricsRegistry;
  config: ConfigService<BaseEnv, true>;
}

const controllers = [HealthController, MetricsController];

/**
 * The routes every process serves: `GET /health/live`, `GET /health/ready`
 * and `GET /metrics` (behind metricsAccess). The API mounts them on its own
 * port; the worker, which has no HTTP of its own, in a small Nest app on
 * WORKER_HEALTH_PORT. One set of controllers, so both answer alike.
 */
@Module({})
export class ObservabilityHttpModule {
  /** In the app that holds the ObservabilityModule (the API). */
  static forRoot(): DynamicModule {
    return { module: ObservabilityHttpModule, imports: [ObservabilityModule], controllers };
  }

  /**
   * In an app of its own, over another app's providers: the worker's health
   * app answers from the worker's checks and registry, not fresh ones that
   * would know none of its connections and count none of its jobs. Nest
   * runs lifecycle hooks on value providers too: these have none to run twice.
   */
  static serving({ checks, metrics, config }: ObservedProcess): DynamicModule {
    return {
      module: ObservabilityHttpModule,
      controllers,
      providers: [
        { provide: HealthChecks, useValue: checks },
        { provide: MetricsRegistry, useValue: metrics },
        { provide: ConfigService, useValue: config },
      ],
    };
  }
}
