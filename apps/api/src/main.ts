import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { type ApiEnv, apiEnvSchema, runProcess, validateEnv } from '@app/config';
import { assertReachable } from '@app/config/service-reachability';
import { mysqlReachability } from '@app/database/mysql-reachability';
import { redisReachability } from '@app/redis/redis-reachability';
import { ApiModule } from './api.module';
import { configureApiApp } from './configure-api-app';

runProcess('api', async () => {
  const env = validateEnv(apiEnvSchema, process.env);
  // One clear line when MySQL or Redis is down, instead of driver retries and a stack trace.
  await assertReachable([mysqlReachability(env.DATABASE_URL), redisReachability(env.REDIS_URL)]);
  const app = configureApiApp(
    await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(), { bufferLogs: true }),
  );
  app.useLogger(app.get(PinoNestLogger));
  const config = app.get<ConfigService<ApiEnv, true>>(ConfigService);
  const port = config.get('PORT', { infer: true });
  const host = config.get('HOST', { infer: true });
  if (host) await app.listen(port, host);
  else await app.listen(port);
  new Logger('Api').log(`API listening on port ${port}; open ${config.get('PUBLIC_URL', { infer: true })}`);
});
