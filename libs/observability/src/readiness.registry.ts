import { Injectable } from '@nestjs/common';
import type Redis from 'ioredis';

/** A Redis connection beyond the app's own client that readiness must see answer (a queue's, say). */
export interface ReadinessConnection {
  key: string;
  client: Redis;
}

/**
 * Where other modules name the connections readiness should ping. The module
 * that owns a connection registers it when it starts; this lib knows none of them.
 */
@Injectable()
export class ReadinessRegistry {
  private readonly connections = new Map<string, Redis>();

  addRedis(key: string, client: Redis): void {
    this.connections.set(key, client);
  }

  redisConnections(): ReadinessConnection[] {
    return [...this.connections].map(([key, client]) => ({ key, client }));
  }
}
