import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { type ApiEnv, runProcess } from '@app/config';
import { ApiModule } from './api.module';
import { configureApiApp } from './configure-api-app';

runProcess('api', async () => {
  const app = configureApiApp(
    await NestFactory.create<NestExpressApplication>(ApiModule.forRoot()),
  );
  const config = app.get<ConfigService<ApiEnv, true>>(ConfigService);
  const port = config.get('PORT', { infer: true });
  const host = config.get('HOST', { infer: true });
  if (host) await app.listen(port, host);
  else await app.listen(port);
  new Logger('Api').log(
    `API listening on port ${port}; open ${config.get('PUBLIC_URL', { infer: true })}`,
  );
});
