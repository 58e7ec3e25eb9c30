import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { Histogram } from 'prom-client';
import { EXCHANGE_RUN_EVENT, type ExchangeRunEvent } from '../sign-in.constants';
import { MetricsRegistry } from '@app/observability';

/** The worker's `afl_exchange_duration_seconds`, from ExchangeProcessor's EXCHANGE_RUN_EVENT. */
@Injectable()
export class ExchangeMetrics {
  private readonly duration: Histogram<'outcome'>;

  constructor(metrics: MetricsRegistry) {
    this.duration = new Histogram({
      name: 'afl_exchange_duration_seconds',
      help: 'One run of the code exchange in the worker (token, /me, upsert), by outcome: done (the operation ended ok or error) or retry (handed back to Bull).',
      labelNames: ['outcome'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20],
      registers: [metrics.registry],
    });
  }

  @OnEvent(EXCHANGE_RUN_EVENT)
  onRun(event: ExchangeRunEvent): void {
    this.duration.observe({ outcome: event.outcome }, event.seconds);
  }
}
