import { type INestApplication, ServiceUnavailableException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import type { HealthCheckResult } from '@nestjs/terminus';
import request from 'supertest';
import type { BaseEnv } from '@app/config';
import type { HealthChecks } from './health-checks';
import { MetricsRegistry } from './metrics.registry';
import { ObservabilityHttpModule } from './observability-http.module';

const TOKEN = 'a-metrics-token-of-some-length';
const up: HealthCheckResult = { status: 'ok', info: {}, error: {}, details: {} };
const down: HealthCheckResult = {
  status: 'error',
  info: {},
  error: { redis: { status: 'down' } },
  details: { redis: { status: 'down' } },
};

/** The routes as the worker's health app mounts them: over another app's checks, registry and config. */
async function serve(env: Partial<BaseEnv>, ready = up): Promise<INestApplication> {
  const checks = {
    live: () => Promise.resolve(up),
    ready: () =>
      ready.status === 'ok' ? Promise.resolve(ready) : Promise.reject(new ServiceUnavailableException(ready)),
  } as HealthChecks;
  const config = new ConfigService<BaseEnv, true>({ METRICS_ENABLED: true, NODE_ENV: 'test', ...env });
  const app = await NestFactory.create(
    ObservabilityHttpModule.serving({ checks, metrics: new MetricsRegistry(), config }),
    { logger: false, abortOnError: false },
  );
  return app.init();
}

describe(ObservabilityHttpModule.name, () => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('answers the probes from the checks it is given, no-store, 503 with the report when not ready', async () => {
    app = await serve({});
    const live = await request(app.getHttpServer()).get('/health/live').expect(200);
    expect(live.body).toEqual(up);
    expect(live.headers['cache-control']).toBe('no-store');
    await app.close();

    app = await serve({}, down);
    const ready = await request(app.getHttpServer()).get('/health/ready').expect(503);
    expect(ready.body).toEqual(down);
  });

  it('serves the registry it is given behind metricsAccess', async () => {
    app = await serve({ METRICS_TOKEN: TOKEN });
    const bare = await request(app.getHttpServer()).get('/metrics').expect(401);
    expect(bare.headers['www-authenticate']).toMatch(/^Bearer/);
    const scrape = await request(app.getHttpServer())
      .get('/metrics')
      .set('authorization', `Bearer ${TOKEN}`)
      .expect(200);
    expect(scrape.headers['content-type']).toMatch(/^text\/plain/);
    expect(scrape.headers['cache-control']).toBe('no-store');
    expect(scrape.text).toContain('process_cpu_seconds_total');
  });

  it('answers 403 in production without a token, and 404 with metrics off', async () => {
    app = await serve({ NODE_ENV: 'production' });
    expect((await request(app.getHttpServer()).get('/metrics').expect(403)).body.message).toMatch(/METRICS_TOKEN/);
    await app.close();

    app = await serve({ METRICS_ENABLED: false });
    await request(app.getHttpServer()).get('/metrics').expect(404);
  });

  it('answers a 404 JSON for any other route', async () => {
    app = await serve({});
    const response = await request(app.getHttpServer()).get('/nothing').expect(404);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.body).toMatchObject({ statusCode: 404 });
  });
});
