import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { runProcess, validateEnv, workerEnvSchema } from '@app/config';
import { assertReachable } from '@app/config/service-reachability';
import { mysqlReachability } from '@app/database/mysql-reachability';
import { redisReachability } from '@app/redis/redis-reachability';
import { WorkerModule } from './worker.module';

// A stray rejection (a Bull event handler, a listener) is logged, never the end
// of the worker: the jobs it holds would otherwise wait for a stalled-job check.
process.on('unhandledRejection', (reason: unknown) => {
  new Logger('Process').error(`Unhandled rejection: ${(reason as Error)?.stack ?? String(reason)}`);
});

runProcess('worker', async () => {
  const env = validateEnv(workerEnvSchema, process.env);
  // One clear line when MySQL or Redis is down, instead of driver retries and a stack trace.
  await assertReachable([mysqlReachability(env.DATABASE_URL), redisReachability(env.REDIS_URL)]);
  // Health and metrics are served on WORKER_HEALTH_PORT by WorkerHealthApp, a small HTTP app of its own.
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(), { bufferLogs: true });
  app.useLogger(app.get(PinoNestLogger));
  app.enableShutdownHooks();
  await app.init();
  new Logger('Worker').log('Worker processing sign-in exchanges');
});
