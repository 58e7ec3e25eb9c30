import { Inject, Injectable } from '@nestjs/common';
import {
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
  type HealthCheckResult,
  type HealthIndicatorResult,
} from '@nestjs/terminus';
import type Redis from 'ioredis';
import { withTimeout } from '@app/config/service-reachability';
import { REDIS_CLIENT } from '@app/redis';
import { ReadinessRegistry } from './readiness.registry';

/** Each dependency gets this long to answer a probe. */
const PROBE_TIMEOUT_MS = 1000;

/**
 * Liveness (the process answers) and readiness (MySQL, Redis and the Bull
 * queue's connection answer), the same for the API and the worker. A failing
 * check makes terminus throw a 503 carrying its JSON report.
 */
@Injectable()
export class HealthChecks {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly database: TypeOrmHealthIndicator,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly connections: ReadinessRegistry,
  ) {}

  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  ready(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.database.pingCheck('mysql', { timeout: PROBE_TIMEOUT_MS }),
      () => this.ping('redis', this.redis),
      // A queue has connections of its own: the ones registered must be up too.
      ...this.connections.redisConnections().map(
        ({ key, client }) =>
          () =>
            this.ping(key, client),
      ),
    ]);
  }

  private async ping<const Key extends string>(key: Key, client: Redis): Promise<HealthIndicatorResult<Key>> {
    const check = this.indicators.check(key);
    // A client that is reconnecting would queue the PING: say so at once instead.
    if (client.status !== 'ready') return check.down({ message: `connection is ${client.status}` });
    try {
      await withTimeout(client.ping(), PROBE_TIMEOUT_MS);
      return check.up();
    } catch (error) {
      return check.down({ message: (error as Error).message });
    }
  }
}
