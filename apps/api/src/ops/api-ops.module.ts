import { Module } from '@nestjs/common';
import { AsyncOperationEventsModule } from '@app/async-operations';
import { OpenEventStreams, SignInMetricsModule } from '@app/auth/api';
import { ObservabilityHttpModule, ObservabilityModule } from '@app/observability';

/** The API's probes and metrics: the routes the worker's health port serves too, and the API's own gauges. */
@Module({
  // AsyncOperationEventsModule: the stream watcher, whose registry of open streams the gauge reads.
  imports: [ObservabilityModule, ObservabilityHttpModule.forRoot(), SignInMetricsModule, AsyncOperationEventsModule],
  providers: [OpenEventStreams],
})
export class ApiOpsModule {}
