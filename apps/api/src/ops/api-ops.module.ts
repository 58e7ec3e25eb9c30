import {
  MiddlewareConsumer,
  Module,
  NestModule,
  RequestMethod,
} from '@nestjs/common';
import {
  OpenEventStreams,
  OpenEventStreamsMiddleware,
  OperabilityModule,
  OperationLogMiddleware,
} from '@app/auth/operability';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';

/**
 * The API's probes, metrics and log context. Import it after AuthModule:
 * middleware mounts in import order, and OperationLogMiddleware reads the session.
 */
@Module({
  imports: [OperabilityModule],
  controllers: [HealthController, MetricsController],
  providers: [OpenEventStreams],
})
export class ApiOpsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(OperationLogMiddleware)
      .forRoutes({ path: '{*path}', method: RequestMethod.ALL });
    consumer
      .apply(OpenEventStreamsMiddleware)
      .forRoutes({
        path: 'api/auth/operation/events',
        method: RequestMethod.GET,
      });
  }
}
