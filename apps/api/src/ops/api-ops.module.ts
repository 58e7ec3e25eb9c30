import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { OpenEventStreams, OpenEventStreamsMiddleware, SignInMetricsModule } from '@app/auth/api';
import { ObservabilityModule } from '@app/observability';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';

/** The API's probes and metrics. */
@Module({
  imports: [ObservabilityModule, SignInMetricsModule],
  controllers: [HealthController, MetricsController],
  providers: [OpenEventStreams],
})
export class ApiOpsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(OpenEventStreamsMiddleware)
      .forRoutes({ path: 'api/auth/operation/events', method: RequestMethod.GET });
  }
}
