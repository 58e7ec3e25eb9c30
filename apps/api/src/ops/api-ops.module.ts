import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { OpenEventStreams, OpenEventStreamsMiddleware, SignInMetricsModule } from '@app/auth/api';
import { ObservabilityHttpModule, ObservabilityModule } from '@app/observability';

/** The API's probes and metrics: the routes the worker's health port serves too, and the API's own gauges. */
@Module({
  imports: [ObservabilityModule, ObservabilityHttpModule.forRoot(), SignInMetricsModule],
  providers: [OpenEventStreams],
})
export class ApiOpsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(OpenEventStreamsMiddleware)
      .forRoutes({ path: 'api/auth/operation/events', method: RequestMethod.GET });
  }
}
