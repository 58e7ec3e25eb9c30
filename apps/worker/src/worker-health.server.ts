import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpException, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HealthChecks, METRICS_TOKEN_REQUIRED_MESSAGE, MetricsRegistry, metricsAccess } from '@app/observability';
import type { WorkerEnv } from '@app/config';

/**
 * The worker's own small HTTP server on WORKER_HEALTH_HOST:WORKER_HEALTH_PORT
 * (127.0.0.1 unless configured): `/health/live`,
 * `/health/ready` (terminus's JSON, 503 while MySQL, Redis or the queue is
 * down) and `/metrics` (this worker's registry). A plain node:http server,
 * so it runs the same whether the worker is a Nest application context
 * (main.ts) or an app that never listens (the e2e TestStack).
 */
@Injectable()
export class WorkerHealthServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerHealthServer.name);
  private server?: Server;
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
    const server = createServer((req, res) => void this.handle(req, res));
    server.requestTimeout = 10000;
    server.headersTimeout = 5000;
    await new Promise<void>((resolve) => {
      server.once('error', (error: Error) => {
        // Jobs matter more than probes: keep processing, and say so loudly.
        this.logger.error(`Health and metrics are not served: ${host}:${wanted}: ${error.message}`);
        resolve();
      });
      server.listen(wanted, host, () => {
        this.server = server;
        ({ port: this.port, address: this.host } = server.address() as AddressInfo);
        this.logger.log(`Worker health and metrics on ${host}:${this.port}`);
        resolve();
      });
    });
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0].replace(/\/+$/, '') || '/';
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return this.send(res, 405, {
        statusCode: 405,
        message: 'Method Not Allowed',
      });
    try {
      if (path === '/health/live') return this.send(res, 200, await this.checks.live());
      if (path === '/health/ready') return this.send(res, 200, await this.checks.ready());
      if (path === '/metrics') return await this.serveMetrics(req, res);
      this.send(res, 404, { statusCode: 404, message: 'Not Found' });
    } catch (error) {
      if (error instanceof HttpException) return this.send(res, error.getStatus(), error.getResponse());
      this.logger.error(`Health server: ${(error as Error).message}`);
      this.send(res, 500, {
        statusCode: 500,
        message: 'Internal Server Error',
      });
    }
  }

  private async serveMetrics(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const access = metricsAccess(
      {
        METRICS_ENABLED: this.config.get('METRICS_ENABLED', { infer: true }),
        METRICS_TOKEN: this.config.get('METRICS_TOKEN', { infer: true }),
        NODE_ENV: this.config.get('NODE_ENV', { infer: true }),
      },
      req.headers.authorization,
    );
    if (access === 'disabled') return this.send(res, 404, { statusCode: 404, message: 'Not Found' });
    if (access === 'token-required')
      return this.send(res, 403, {
        statusCode: 403,
        message: METRICS_TOKEN_REQUIRED_MESSAGE,
        error: 'Forbidden',
      });
    if (access === 'unauthorized') {
      res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      return this.send(res, 401, { statusCode: 401, message: 'Unauthorized' });
    }
    const body = await this.metrics.metrics();
    res.writeHead(200, {
      'Content-Type': this.metrics.contentType,
      'Cache-Control': 'no-store',
    });
    res.end(body);
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
    });
    res.end(JSON.stringify(body));
  }
}
