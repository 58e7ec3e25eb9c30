import { Injectable, OnModuleInit } from '@nestjs/common';
import { Histogram } from 'prom-client';
import { runWithOperationLogContext } from '@app/config/logging';
import type { ExchangeJobHandle } from '../exchange-job';
import { FacebookLoginService } from '../facebook-login.service';
import { MetricsRegistry } from './metrics.registry';

/**
 * Watches the worker's exchanges without changing them: each run happens in
 * the log context of its operation (every line it writes carries
 * `operationId`), and its duration goes to `afl_exchange_duration_seconds`.
 * Bull processors have no interceptors, so this wraps the service's two entry
 * points once, at boot.
 */
@Injectable()
export class ExchangeObserver implements OnModuleInit {
  private readonly duration: Histogram<'outcome'>;

  constructor(
    private readonly logins: FacebookLoginService,
    metrics: MetricsRegistry,
  ) {
    this.duration = new Histogram({
      name: 'afl_exchange_duration_seconds',
      help: 'One run of the code exchange in the worker (token, /me, upsert), by outcome: done (the operation ended ok or error) or retry (handed back to Bull).',
      labelNames: ['outcome'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20],
      registers: [metrics.registry],
    });
  }

  onModuleInit(): void {
    const runExchange = this.logins.runExchange.bind(this.logins);
    const giveUp = this.logins.giveUp.bind(this.logins);
    this.logins.runExchange = (job: ExchangeJobHandle) =>
      runWithOperationLogContext(
        { operationId: job.data.operationId },
        async () => {
          const stop = this.duration.startTimer();
          try {
            await runExchange(job);
            stop({ outcome: 'done' });
          } catch (error) {
            stop({ outcome: 'retry' });
            throw error;
          }
        },
      );
    this.logins.giveUp = (operationId: string, error: Error) =>
      runWithOperationLogContext({ operationId }, () =>
        giveUp(operationId, error),
      );
  }
}
