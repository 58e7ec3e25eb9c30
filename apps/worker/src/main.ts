import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { runProcess } from '@app/config';
import { WorkerModule } from './worker.module';

runProcess('worker', async () => {
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot());
  app.enableShutdownHooks();
  await app.init();
  new Logger('Worker').log('Worker processing Facebook code exchanges');
});
