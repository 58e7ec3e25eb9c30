import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type Redis from 'ioredis';
import type { BaseEnv } from '@app/config';
import { createRedisClient } from '@app/redis';
import {
  OPERATION_STATUS_RESYNC_EVENT,
  operationStatusChannel,
  operationStatusEvent,
} from './async-operations.constants';
import type { OperationView } from './operation-view';

/**
 * Carries status changes from Redis into this process: one subscription per
 * process, fanned out in memory through EventEmitter2 to every open stream.
 */
@Injectable()
export class OperationStatusBridge implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(OperationStatusBridge.name);
  private subscriber?: Redis;

  constructor(
    private readonly config: ConfigService<BaseEnv, true>,
    private readonly events: EventEmitter2,
  ) {}

  async onModuleInit(): Promise<void> {
    const channel = operationStatusChannel(this.config.get('REDIS_PREFIX', { infer: true }));
    const subscriber = createRedisClient(this.config.get('REDIS_URL', { infer: true }), {
      // A subscriber connection must keep its subscription across reconnects.
      maxRetriesPerRequest: null,
    });
    this.subscriber = subscriber;
    subscriber.on('error', (error: Error) => this.logger.warn(`Status subscription: ${error.message}`));
    let connectedBefore = false;
    subscriber.on('ready', () => {
      // After a reconnect, events sent meanwhile are gone: streams re-read the database.
      if (connectedBefore) this.events.emit(OPERATION_STATUS_RESYNC_EVENT);
      connectedBefore = true;
    });
    subscriber.on('message', (_channel: string, message: string) => this.relay(message));
    await subscriber.subscribe(channel);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }

  private relay(message: string): void {
    let view: OperationView;
    try {
      view = JSON.parse(message) as OperationView;
    } catch {
      this.logger.warn('Ignored a status message that is not JSON');
      return;
    }
    if (typeof view?.id !== 'string') return;
    this.events.emit(operationStatusEvent(view.id), view);
  }
}
