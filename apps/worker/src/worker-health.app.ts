import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { HealthChecks, MetricsRegistry, ObservabilityHttpModule } from '@app/observability';
import type { WorkerEnv } from '@app/config';

/**
 * The worker's health and metrics on WORKER_HEALTH_HOST:WORKER_HEALTH_PORT
 * (127.0.0.1 unless configured): a small Nest HTTP app of its own serving
 * ObservabilityHttpModule (the API's `/health/live`, `/health/ready` and
 * `/metrics`) over this worker's checks and registry. An app of its own, so
 * the worker serves it however it is booted (an application context in
 * main.ts, a host app's, the e2e TestStack's app that never listens).
 */
@Injectable()
export class WorkerHealthApp implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerHealthApp.name);
  private app?: NestExpressApplication;
  /** The port it listens on (useful with WORKER_HEALTH_PORT=0); undefined when it could not listen. */
  port?: number;
  /** The interface it listens on (WORKER_HEALTH_HOST). */
  host?: string;

  constructor(
    private readonly checks: HealthChecks,
    private readonly metrics: MetricsRegistry,
    private readonly config: ConfigService<WorkerEnv, true>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const wanted = this.config.get('WORKER_HEALTH_PORT', { infer: true });
    // Loopback by default: the metrics and readiness details are not for the network.
    const host = this.config.get('WORKER_HEALTH_HOST', { infer: true });
    const app = await NestFactory.create<NestExpressApplication>(
      ObservabilityHttpModule.serving({ checks: this.checks, metrics: this.metrics, config: this.config }),
      // Nest's logger is process-wide: no logger option (it would replace the worker's), and no
      // flush of the logs the worker buffers until main.ts sets pino (listen() would print them
      // with Nest's console logger). A failure to start must not abort the worker; open
      // keep-alive sockets must not hold up its shutdown.
      { abortOnError: false, autoFlushLogs: false, forceCloseConnections: true },
    );
    app.disable('x-powered-by');
    const server: Server = app.getHttpServer();
    server.requestTimeout = 10000;
    server.headersTimeout = 5000;
    try {
      await app.listen(wanted, host);
    } catch (error) {
      // Jobs matter more than probes: keep processing, and say so loudly.
      this.logger.error(`Health and metrics are not served: ${host}:${wanted}: ${(error as Error).message}`);
      await app.close().catch(() => undefined);
      return;
    }
    this.app = app;
    ({ port: this.port, address: this.host } = server.address() as AddressInfo);
    this.logger.log(`Worker health and metrics on ${host}:${this.port}`);
  }

  async onApplicationShutdown(): Promise<void> {
    const app = this.app;
    this.app = undefined;
    await app?.close();
  }
}
