import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type Redis from 'ioredis';
import type { BaseEnv } from '@app/config';
import { REDIS_CLIENT } from '@app/redis';
import { operationStatusChannel } from './async-operations.constants';
import type { OperationView } from './operation-view';

/** Announces a committed status change to every process (Redis pub/sub). */
@Injectable()
export class OperationStatusPublisher {
  private readonly logger = new Logger(OperationStatusPublisher.name);
  private readonly channel: string;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    config: ConfigService<BaseEnv, true>,
  ) {
    this.channel = operationStatusChannel(config.get('REDIS_PREFIX', { infer: true }));
  }

  async publish(view: OperationView): Promise<void> {
    try {
      await this.redis.publish(this.channel, JSON.stringify(view));
    } catch (error) {
      // The database already holds the truth; open streams re-read it, so a
      // lost event only delays the news, it never loses it.
      this.logger.warn(`Could not publish the status of operation ${view.id}: ${(error as Error).message}`);
    }
  }
}
