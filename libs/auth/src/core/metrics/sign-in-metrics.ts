import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import type { Queue } from 'bull';
import { Counter, Gauge, Histogram } from 'prom-client';
import { OPERATION_FINISHED_EVENT, OPERATION_STARTED_EVENT, type OperationFinishedEvent } from '@app/async-operations';
import { withTimeout } from '@app/config/service-reachability';
import { EXCHANGE_QUEUE } from '../sign-in.constants';
import { MetricsRegistry } from '@app/observability';

const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/**
 * Sign-in counters of this process. "Finished" is counted by the process
 * whose status transition won (AsyncOperationsService emits the event once
 * per operation), so summing over processes counts every attempt once.
 */
@Injectable()
export class SignInMetrics {
  private readonly started: Counter;
  private readonly finished: Counter<'status' | 'reason'>;
  private readonly callbackToFinal: Histogram<'status'>;

  constructor(metrics: MetricsRegistry, @InjectQueue(EXCHANGE_QUEUE) queue: Queue) {
    const registers = [metrics.registry];
    this.started = new Counter({
      name: 'afl_login_attempts_started_total',
      help: 'Login attempts recorded at the callback (one per operation).',
      registers,
    });
    this.finished = new Counter({
      name: 'afl_login_attempts_finished_total',
      help: 'Login attempts that ended, by status (ok, error) and reason (the error code; empty for ok).',
      labelNames: ['status', 'reason'],
      registers,
    });
    this.callbackToFinal = new Histogram({
      name: 'afl_callback_to_final_seconds',
      help: 'Time from the OAuth callback to the final status of the attempt.',
      labelNames: ['status'],
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120],
      registers,
    });
    new Gauge({
      name: 'afl_queue_jobs',
      help: 'Jobs in the exchange queue by state, read from Redis at scrape time (failed jobs are removed at once, so failed stays 0 unless that changes).',
      labelNames: ['state'],
      registers,
      async collect() {
        try {
          const counts = await withTimeout(queue.getJobCounts(), 1000);
          for (const state of QUEUE_STATES) this.set({ state }, counts[state] ?? 0);
        } catch {
          // Redis is away: no number is better than a stale one.
          this.reset();
        }
      },
    });
  }

  @OnEvent(OPERATION_STARTED_EVENT)
  onStarted(): void {
    this.started.inc();
  }

  @OnEvent(OPERATION_FINISHED_EVENT)
  onFinished(event: OperationFinishedEvent): void {
    this.finished.inc({ status: event.status, reason: event.reason ?? '' });
    const seconds = (event.finishedAt.getTime() - event.startedAt.getTime()) / 1000;
    this.callbackToFinal.observe({ status: event.status }, Math.max(0, seconds));
  }
}
