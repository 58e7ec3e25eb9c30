import { Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { OperationStatusWatcher } from '@app/async-operations';
import { MetricsRegistry } from '@app/observability';

/**
 * `afl_open_event_streams`: the status streams this API instance holds open,
 * read at scrape time from OperationStatusWatcher, the registry a stream is in
 * from the moment the stream route starts listening until its response
 * closes (it ended after the final status, or its client went away). The
 * route's per-attempt cap counts the same registry, so the two never disagree.
 */
@Injectable()
export class OpenEventStreams {
  private readonly gauge: Gauge;

  constructor(metrics: MetricsRegistry, watcher: OperationStatusWatcher) {
    this.gauge = new Gauge({
      name: 'afl_open_event_streams',
      help: 'Status event streams (SSE) open on this API instance.',
      registers: [metrics.registry],
      collect() {
        this.set(watcher.streamCount);
      },
    });
  }
}
