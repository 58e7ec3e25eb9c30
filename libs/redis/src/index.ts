export * from './redis.constants';
export * from './create-redis-client';
export * from './redis.module';
