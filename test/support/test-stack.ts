import type { DynamicModule, INestApplication, INestApplicationContext, LoggerService } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { NestFactory } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import Redis from 'ioredis';
import type { DataSource } from 'typeorm';
import { FACEBOOK_CALLBACK_PATH, GOOGLE_CALLBACK_PATH } from '@app/auth/api';
import { DEFAULT_FACEBOOK_GRAPH_VERSION } from '@app/config';
import { PICTURE_PATH_PREFIX, createFacebookEmulatorApp } from '@app/facebook-emulator';
import { ApiModule } from '../../apps/api/src/api.module';
import { configureApiApp } from '../../apps/api/src/configure-api-app';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { BuiltProcess, waitFor } from './built-process';
import { emulatorKnob, holdNext, releaseHeld, waitForHeld } from './emulator-knob';
import { openExchangeQueue } from './exchange-queue';
import { TestBrowser } from './browser';
import { createTestDatabase, destroyTestDatabase } from './test-database';
import { ROOT, freePort, testNamespace, type TestNamespace } from './test-env';

export const TEST_APP_ID = '1234567890123456';
export const TEST_APP_SECRET = 'e2e-app-secret-0123456789';
export const TEST_GOOGLE_CLIENT_ID = 'e2e-client.apps.googleusercontent.test';
export const TEST_GOOGLE_CLIENT_SECRET = 'e2e-google-client-secret';
/** The emulator's default Google test users (libs/facebook-emulator/src/google/default-google-test-users.ts). */
export const GOOGLE_ALICE = '108000000000000000001';
export const GOOGLE_GRACE = '108000000000000000002';
export const GOOGLE_ZOE = '108000000000000000003';
export { ROOT };

/** The environment before any stack touched it: each stack starts from it, so settings never leak between suites. */
const ORIGINAL_ENV = { ...process.env };

/** Leaves the shared Redis as the suite found it: every key under the run's prefix goes. */
async function deleteRedisKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

function resetProcessEnv(overrides: Record<string, string>): void {
  for (const key of Object.keys(process.env)) if (!(key in ORIGINAL_ENV)) delete process.env[key];
  Object.assign(process.env, ORIGINAL_ENV, overrides);
}

export interface StackOptions {
  /** Where the worker runs: in this process (default), a child process running the build, or nowhere. */
  worker?: 'in-process' | 'child-process' | 'none';
  /**
   * Where the API runs: in this process (default, `stack.api`), or a child process running the build
   * (`stack.apiProcess`) — for a second stack in one suite, since passport's strategies are process-wide.
   */
  api?: 'in-process' | 'child-process';
  env?: Record<string, string>;
  /** Every log line of the in-process apps (all levels), for tests that read them. */
  logs?: LogCapture;
  /** The MySQL server for the stack's throwaway database, as a URL without a database (default: testNamespace's). */
  mysqlServerUrl?: string;
  /** The in-process API's root module, as a host app composes it (default: ApiModule.forRoot()). */
  apiModule?: () => DynamicModule;
  /** The in-process worker's root module (default: WorkerModule.forRoot()). */
  workerModule?: () => DynamicModule;
  /** Google (on the emulator's Google side) besides Facebook; default true. */
  google?: boolean;
}

/** A Nest logger that keeps every line, so a test can search a whole run's logs. */
export class LogCapture implements LoggerService {
  readonly lines: string[] = [];
  private add(level: string, message: unknown, rest: unknown[]): void {
    this.lines.push(
      [level, message, ...rest].map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join(' '),
    );
  }
  log(message: unknown, ...rest: unknown[]) {
    this.add('log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]) {
    this.add('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]) {
    this.add('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]) {
    this.add('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]) {
    this.add('verbose', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]) {
    this.add('fatal', message, rest);
  }
  get text(): string {
    return this.lines.join('\n');
  }
}

/**
 * The real system for one suite: the Facebook emulator, the API and a worker
 * on the real MariaDB and Redis, in a throwaway database and Redis prefix.
 */
export class TestStack {
  api!: NestExpressApplication;
  apiProcess?: BuiltProcess;
  emulator!: INestApplication;
  worker?: INestApplicationContext;
  workerProcess?: BuiltProcess;
  db!: DataSource;
  apiUrl!: string;
  emulatorUrl!: string;
  readonly ns: TestNamespace;
  readonly env: Record<string, string> = {};

  private constructor(mysqlServerUrl?: string) {
    this.ns = testNamespace(mysqlServerUrl);
  }

  static async start(options: StackOptions = {}): Promise<TestStack> {
    const stack = new TestStack(options.mysqlServerUrl);
    try {
      await stack.boot(options);
    } catch (error) {
      await stack.stop();
      throw error;
    }
    return stack;
  }

  browser(): TestBrowser {
    return new TestBrowser(this.apiUrl);
  }

  /** The picture URL the emulator's Graph answers for a user (`picture.type(large)`: 200 px). */
  pictureOf(userId: string, size = 200): string {
    return `${this.emulatorUrl}${PICTURE_PATH_PREFIX}/${userId}.svg?size=${size}`;
  }

  /** The Graph/dialog base of the emulator, as the app is configured to use it (the default Graph version). */
  get facebookBase(): string {
    return `${this.emulatorUrl}/${DEFAULT_FACEBOOK_GRAPH_VERSION}`;
  }

  emulatorKnob(method: string, path: string, body?: unknown): Promise<unknown> {
    return emulatorKnob(this.emulatorUrl, method, path, body);
  }

  /** Holds the next `times` calls to a Graph endpoint until releaseHeld() (see emulator-knob's holdNext). */
  holdNext(endpoint?: 'token' | 'me' | 'permissions', times?: number): Promise<void> {
    return holdNext(this.emulatorKnob.bind(this), endpoint, times);
  }

  /** Waits until `count` calls are held (the held call has arrived). */
  waitForHeld(count?: number): Promise<void> {
    return waitForHeld(this.emulatorKnob.bind(this), count);
  }

  /** Waits until `count` calls are held, then lets them go on to their usual answers. */
  releaseHeld(count?: number): Promise<void> {
    return releaseHeld(this.emulatorKnob.bind(this), count);
  }

  /**
   * Resets the emulator (dropping the calls it holds) and waits until no exchange
   * job is waiting, running or delayed: a test's leftover retry must not take the
   * next test's fault.
   */
  async settle(): Promise<void> {
    await this.emulatorKnob('POST', '/reset');
    // Its own connection: the API may run in a child process.
    const queue = openExchangeQueue(this.env.REDIS_URL, this.env);
    try {
      await waitFor('the exchange queue to settle', async () => {
        const { waiting, active, delayed } = await queue.getJobCounts();
        return waiting + active + delayed === 0;
      });
    } finally {
      await queue.close();
    }
  }

  /** process.env with this stack's settings, for a child process. */
  private childEnv(): Record<string, string> {
    return Object.fromEntries(
      Object.entries({ ...process.env, ...this.env }).filter(
        (entry): entry is [string, string] => entry[1] !== undefined,
      ),
    );
  }

  /** The built API (dist/apps/api/main.js) as a child process, on this stack's settings. */
  async startApiProcess(): Promise<BuiltProcess> {
    const api = new BuiltProcess('api', { ...this.childEnv(), HOST: '127.0.0.1', LOG_DESTINATION: 'stdout' });
    this.apiProcess = api;
    await api.start(async () => (await fetch(`${this.apiUrl}/api/me`)).status === 401);
    return api;
  }

  /** The built worker (dist/apps/worker/main.js) as a child process, on this stack's settings. */
  async startWorkerProcess(): Promise<BuiltProcess> {
    const env = this.childEnv();
    // The child's stdout is how we know it started, and what the log tests read.
    const worker = new BuiltProcess('worker', { ...env, LOG_DESTINATION: 'stdout' });
    this.workerProcess = worker;
    await worker.start(() => worker.text.includes('Worker processing'));
    return worker;
  }

  /**
   * Stops everything, each step bounded: a step that does not finish (a close
   * after a Redis restart never ended, before the worker waited for its queue's
   * connections) is passed over so the rest still runs, and the stop then fails
   * naming it, instead of the suite's afterAll timing out with no word of what hung.
   */
  async stop(): Promise<void> {
    const hung: string[] = [];
    const step = async (what: string, work: () => Promise<unknown> | undefined) => {
      if ((await boundedStep(work)) === 'timeout') hung.push(what);
    };
    await this.workerProcess?.stop();
    await this.apiProcess?.stop();
    await step('the worker', () => this.worker?.close());
    await step('the API', () => this.api?.close());
    await step('the emulator', () => this.emulator?.close());
    if (this.db) await step('the test database', () => destroyTestDatabase(this.db, this.ns.databaseUrl));
    const redisUrl = this.env.REDIS_URL;
    if (redisUrl) await step('the Redis keys', () => deleteRedisKeys(redisUrl, this.env.REDIS_PREFIX));
    if (hung.length) {
      throw new Error(`TestStack.stop(): ${hung.join(', ')} did not close within ${STOP_STEP_TIMEOUT_MS} ms`);
    }
  }

  private async boot(options: StackOptions): Promise<void> {
    const [apiPort, emulatorPort] = [await freePort(), await freePort()];
    this.apiUrl = `http://127.0.0.1:${apiPort}`;
    this.emulatorUrl = `http://127.0.0.1:${emulatorPort}`;
    Object.assign(this.env, {
      NODE_ENV: 'test',
      PORT: String(apiPort),
      PUBLIC_URL: this.apiUrl,
      DATABASE_URL: this.ns.databaseUrl,
      REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0',
      REDIS_PREFIX: this.ns.redisPrefix,
      SESSION_SECRET: 'e2e-session-secret-that-is-long-enough',
      FACEBOOK_APP_ID: TEST_APP_ID,
      FACEBOOK_APP_SECRET: TEST_APP_SECRET,
      FACEBOOK_WEB_URL: this.emulatorUrl,
      FACEBOOK_GRAPH_URL: this.emulatorUrl,
      FACEBOOK_TIMEOUT_MS: '2000',
      ...(options.google !== false && {
        GOOGLE_ISSUER: `${this.emulatorUrl}/google`,
        GOOGLE_CLIENT_ID: TEST_GOOGLE_CLIENT_ID,
        GOOGLE_CLIENT_SECRET: TEST_GOOGLE_CLIENT_SECRET,
        GOOGLE_TIMEOUT_MS: '2000',
      }),
      EXCHANGE_BACKOFF_MS: '50',
      RATE_LIMIT_MAX: '100000',
      // Tests read logs through LogCapture; pino's own lines would only flood the output.
      LOG_DESTINATION: 'off',
      WORKER_HEALTH_PORT: '0',
      SERVE_CLIENT: 'false',
      ...options.env,
    });
    resetProcessEnv(this.env);

    this.db = await createTestDatabase(this.ns.databaseUrl);

    this.emulator = await createFacebookEmulatorApp(
      {
        apps: [
          { appId: TEST_APP_ID, appSecret: TEST_APP_SECRET, redirectUris: [this.apiUrl + FACEBOOK_CALLBACK_PATH] },
        ],
        google: {
          clients: [
            {
              clientId: TEST_GOOGLE_CLIENT_ID,
              clientSecret: TEST_GOOGLE_CLIENT_SECRET,
              redirectUris: [this.apiUrl + GOOGLE_CALLBACK_PATH],
            },
          ],
        },
      },
      { logger: options.logs ?? ['error'] },
    );
    await this.emulator.listen(emulatorPort, '127.0.0.1');

    if (options.api === 'child-process') {
      await this.startApiProcess();
    } else {
      // NestFactory, as main.ts does: a testing module compiles before the HTTP adapter
      // exists, and ServeStaticModule then silently serves nothing.
      this.api = configureApiApp(
        await NestFactory.create<NestExpressApplication>((options.apiModule ?? (() => ApiModule.forRoot()))(), {
          logger: options.logs ?? ['error'],
        }),
      );
      await this.api.listen(apiPort, '127.0.0.1');
    }

    const worker = options.worker ?? 'in-process';
    if (worker === 'in-process') {
      const root = (options.workerModule ?? (() => WorkerModule.forRoot()))();
      const workerModule = await Test.createTestingModule({ imports: [root] }).compile();
      this.worker = workerModule.createNestApplication({ logger: options.logs ?? ['error'] });
      await this.worker.init();
    } else if (worker === 'child-process') {
      await this.startWorkerProcess();
    }
  }
}

/** How long one step of TestStack.stop() may take (five of them fit in a hook's 60 s). */
const STOP_STEP_TIMEOUT_MS = 8_000;

/** Runs one teardown step: a failure is ignored (it was stopping anyway), a step that outlasts the bound is left. */
async function boundedStep(step: () => Promise<unknown> | undefined): Promise<'done' | 'failed' | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>(
    (resolve) => (timer = setTimeout(() => resolve('timeout'), STOP_STEP_TIMEOUT_MS)),
  );
  try {
    return await Promise.race([
      Promise.resolve()
        .then(step)
        .then(
          () => 'done' as const,
          () => 'failed' as const,
        ),
      timedOut,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
