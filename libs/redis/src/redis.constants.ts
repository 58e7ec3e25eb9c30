/** The general-purpose ioredis client of a process (sessions, publishing, rate limits). */
export const REDIS_CLIENT = Symbol('REDIS_CLIENT');
