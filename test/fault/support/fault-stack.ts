import type Bull from 'bull';
import type { DataSource } from 'typeorm';
import { FACEBOOK_CALLBACK_PATH, GOOGLE_CALLBACK_PATH } from '@app/auth/api';
import { DEFAULT_FACEBOOK_GRAPH_VERSION } from '@app/config';
import { BuiltProcess } from '../../support/built-process';
import { emulatorKnob, holdNext, releaseHeld, waitForHeld } from '../../support/emulator-knob';
import { openExchangeQueue } from '../../support/exchange-queue';
import { TestBrowser } from '../../support/browser';
import type { FacebookSide } from '../../support/login-flow';
import { createTestDatabase } from '../../support/test-database';
import { freePort } from '../../support/test-env';
import {
  TEST_APP_ID,
  TEST_APP_SECRET,
  TEST_GOOGLE_CLIENT_ID,
  TEST_GOOGLE_CLIENT_SECRET,
} from '../../support/test-stack';
import { PrivateMariaDb, PrivateRedis } from '../../support/private-services';

export interface FaultStackOptions {
  apis?: number;
  workers?: number;
  env?: Record<string, string>;
}

/**
 * The built system as separate processes — the emulator, N APIs and M
 * workers — on a private Redis and a private MariaDB that tests may stop and
 * restart. All APIs share one PUBLIC_URL (the first's), as instances behind
 * one load balancer do; tests play the balancer by choosing an instance per
 * request.
 */
export class FaultStack implements FacebookSide {
  readonly redis = new PrivateRedis();
  readonly mariadb = new PrivateMariaDb();
  readonly apis: BuiltProcess[] = [];
  readonly workers: BuiltProcess[] = [];
  emulator!: BuiltProcess;
  db!: DataSource;
  apiUrls: string[] = [];
  emulatorUrl = '';
  env: Record<string, string> = {};

  static async start(options: FaultStackOptions = {}): Promise<FaultStack> {
    const stack = new FaultStack();
    try {
      await stack.boot(options);
    } catch (error) {
      await stack.stop();
      throw error;
    }
    return stack;
  }

  get facebookBase(): string {
    return `${this.emulatorUrl}/${DEFAULT_FACEBOOK_GRAPH_VERSION}`;
  }

  /** A browser whose page is on PUBLIC_URL, reaching API instance `instance`. */
  browser(instance = 0): TestBrowser {
    return new TestBrowser(this.apiUrls[instance], new Map(), new URL(this.env.PUBLIC_URL).origin);
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

  /** The exchange queue on this stack's Redis, as the processes see it: close it when done. */
  queue(): Bull.Queue {
    return openExchangeQueue(this.redis.url, this.env);
  }

  /** The emulator's Google side's knobs (`/google/__emulator/*`). */
  googleKnob(method: string, path: string, body?: unknown): Promise<unknown> {
    return emulatorKnob(`${this.emulatorUrl}/google`, method, path, body);
  }

  /** Starts (or restarts) API instance i on its port. */
  async startApi(i: number): Promise<BuiltProcess> {
    const port = new URL(this.apiUrls[i]).port;
    const api = new BuiltProcess('api', { ...this.env, PORT: port, HOST: '127.0.0.1' });
    await api.start(async () => (await fetch(`${this.apiUrls[i]}/api/me`)).status === 401);
    this.apis[i] = api;
    return api;
  }

  async startWorker(): Promise<BuiltProcess> {
    const worker = new BuiltProcess('worker', this.env);
    await worker.start(() => /Worker processing/.test(worker.text));
    this.workers.push(worker);
    return worker;
  }

  /** Everything every process printed, for a failing test's message. */
  get logs(): string {
    return [this.emulator, ...this.apis, ...this.workers]
      .filter(Boolean)
      .map((p) => `----- ${p.name} -----\n${p.text}`)
      .join('\n');
  }

  async stop(): Promise<void> {
    await Promise.all([...this.apis, ...this.workers].map((p) => p?.stop()));
    await this.emulator?.stop();
    if (this.db?.isInitialized) await this.db.destroy().catch(() => undefined);
    await this.redis.destroy();
    await this.mariadb.destroy();
  }

  private async boot(options: FaultStackOptions): Promise<void> {
    await this.redis.start();
    await this.mariadb.start();
    const databaseUrl = `${this.mariadb.serverUrl}/afl_fault`;
    this.db = await createTestDatabase(databaseUrl);

    const apiCount = options.apis ?? 2;
    for (let i = 0; i < apiCount; i++) this.apiUrls.push(`http://127.0.0.1:${await freePort()}`);
    const emulatorPort = await freePort();
    this.emulatorUrl = `http://127.0.0.1:${emulatorPort}`;
    const publicUrl = this.apiUrls[0];

    this.emulator = new BuiltProcess('facebook-emulator', {
      FACEBOOK_APP_ID: TEST_APP_ID,
      FACEBOOK_APP_SECRET: TEST_APP_SECRET,
      EMULATOR_PORT: String(emulatorPort),
      EMULATOR_HOST: '127.0.0.1',
      EMULATOR_REDIRECT_URIS: publicUrl + FACEBOOK_CALLBACK_PATH,
      GOOGLE_CLIENT_ID: TEST_GOOGLE_CLIENT_ID,
      GOOGLE_CLIENT_SECRET: TEST_GOOGLE_CLIENT_SECRET,
      EMULATOR_GOOGLE_REDIRECT_URIS: publicUrl + GOOGLE_CALLBACK_PATH,
      NODE_ENV: 'production',
    });
    await this.emulator.start(async () => (await fetch(`${this.emulatorUrl}/__emulator/health`)).ok);

    this.env = {
      NODE_ENV: 'production',
      PUBLIC_URL: publicUrl,
      DATABASE_URL: databaseUrl,
      REDIS_URL: this.redis.url,
      REDIS_PREFIX: 'afl-fault',
      SESSION_SECRET: 'fault-suite-session-secret-long-enough',
      FACEBOOK_APP_ID: TEST_APP_ID,
      FACEBOOK_APP_SECRET: TEST_APP_SECRET,
      FACEBOOK_WEB_URL: this.emulatorUrl,
      FACEBOOK_GRAPH_URL: this.emulatorUrl,
      FACEBOOK_TIMEOUT_MS: '1500',
      GOOGLE_ISSUER: `${this.emulatorUrl}/google`,
      GOOGLE_CLIENT_ID: TEST_GOOGLE_CLIENT_ID,
      GOOGLE_CLIENT_SECRET: TEST_GOOGLE_CLIENT_SECRET,
      GOOGLE_TIMEOUT_MS: '1500',
      EXCHANGE_BACKOFF_MS: '100',
      EXCHANGE_ATTEMPTS: '5',
      LOGIN_DEADLINE_MS: '25000',
      RATE_LIMIT_MAX: '1000000',
      SERVE_CLIENT: 'false',
      WORKER_HEALTH_PORT: '0',
      ...options.env,
    };
    for (let i = 0; i < apiCount; i++) await this.startApi(i);
    for (let i = 0; i < (options.workers ?? 2); i++) await this.startWorker();
  }
}
