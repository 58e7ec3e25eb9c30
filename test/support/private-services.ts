import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopChild, waitFor } from './built-process';
import { freePort } from './test-env';

/** A server process of a suite's own, in a temp folder, on a spare port; stop and start it at will. */
abstract class PrivateService {
  readonly dir: string;
  port = 0;
  protected child?: ChildProcess;

  constructor(name: string) {
    this.dir = mkdtempSync(join(tmpdir(), `afl-${name}-`));
  }

  abstract start(): Promise<void>;

  async stop(): Promise<void> {
    await stopChild(this.child);
    this.child = undefined;
  }

  /** Stops it and removes its folder. */
  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * A Redis of the suite's own on a spare port (append-only file in a temp
 * folder, so a restart keeps its data like a production Redis), which the
 * suite can stop and start without touching the machine's shared Redis.
 */
export class PrivateRedis extends PrivateService {
  constructor() {
    super('redis');
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  async start(): Promise<void> {
    this.port ||= await freePort();
    this.child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--dir',
        this.dir,
        '--appendonly',
        'yes',
        '--save',
        '',
        '--daemonize',
        'no',
      ],
      { stdio: 'ignore' },
    );
    await waitFor(`Redis on ${this.port}`, () => {
      execFileSync('redis-cli', ['-p', String(this.port), 'ping'], { stdio: 'pipe' });
      return true;
    });
  }
}

/**
 * A MariaDB of the suite's own: `mariadb-install-db` into a temp folder and
 * `mariadbd` on a spare port, root without a password over TCP.
 */
export class PrivateMariaDb extends PrivateService {
  private installed = false;

  /** `serverArgs` go to `mariadbd` after the defaults, e.g. `--default-time-zone=+05:00`. */
  constructor(private readonly serverArgs: readonly string[] = []) {
    super('mariadb');
  }

  /** A server URL without a database; append `/name`. */
  get serverUrl(): string {
    return `mysql://root@127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.port ||= await freePort();
    const datadir = join(this.dir, 'data');
    if (!this.installed) {
      execFileSync(
        'mariadb-install-db',
        [
          '--no-defaults',
          `--datadir=${datadir}`,
          '--auth-root-authentication-method=normal',
          '--skip-test-db',
          '--user=root',
        ],
        { stdio: 'pipe' },
      );
      this.installed = true;
    }
    this.child = spawn(
      'mariadbd',
      [
        '--no-defaults',
        `--datadir=${datadir}`,
        `--port=${this.port}`,
        '--bind-address=127.0.0.1',
        `--socket=${join(this.dir, 'mariadb.sock')}`,
        `--pid-file=${join(this.dir, 'mariadb.pid')}`,
        '--user=root',
        '--skip-log-bin',
        '--innodb-buffer-pool-size=64M',
        '--max-connections=500',
        ...this.serverArgs,
      ],
      { stdio: 'ignore' },
    );
    await waitFor(
      `MariaDB on ${this.port}`,
      () => {
        execFileSync('mariadb-admin', ['-h', '127.0.0.1', '-P', String(this.port), '-uroot', 'ping'], {
          stdio: 'pipe',
        });
        return true;
      },
      30000,
    );
  }
}
