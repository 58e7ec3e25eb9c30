import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../support/test-env';
import { ROOT, TEST_APP_ID, TEST_APP_SECRET } from '../support/test-stack';

/** Runs a built app to its end; nothing listens on the ports it is given. */
async function runBuilt(app: 'api' | 'worker', env: Record<string, string>) {
  const main = join(ROOT, 'dist', 'apps', app, 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first`);
  const child = spawn(process.execPath, [main], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      FACEBOOK_APP_ID: TEST_APP_ID,
      FACEBOOK_APP_SECRET: TEST_APP_SECRET,
      SESSION_SECRET: 'boot-error-session-secret-long-enough',
      PORT: String(await freePort()),
      WORKER_HEALTH_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stdout, stderr };
}

describe('Built API and worker against MySQL and Redis that are not there', () => {
  let mysqlPort: number;
  let redisPort: number;

  beforeAll(async () => {
    [mysqlPort, redisPort] = [await freePort(), await freePort()];
  });

  it.each(['api', 'worker'] as const)('%s prints one line naming both, and exits 1', async (app) => {
    const { code, stdout, stderr } = await runBuilt(app, {
      DATABASE_URL: `mysql://root@127.0.0.1:${mysqlPort}/facebook_login`,
      REDIS_URL: `redis://127.0.0.1:${redisPort}/0`,
    });
    expect(code).toBe(1);
    const errorLines = stderr.split('\n').filter((line) => line.trim());
    expect(errorLines).toHaveLength(1);
    const [line] = errorLines;
    expect(line).toContain(`${app} failed to start: cannot reach MySQL at 127.0.0.1:${mysqlPort} (ECONNREFUSED)`);
    expect(line).toContain(`Redis at 127.0.0.1:${redisPort} (ECONNREFUSED)`);
    expect(line).toContain('docker compose up -d');
    expect(stderr).not.toMatch(/^\s+at /m); // no stack frame
    expect(stdout).toBe('');
  });

  it('names only the one that is down', async () => {
    const { code, stderr } = await runBuilt('api', {
      DATABASE_URL: process.env.TEST_MYSQL_URL
        ? `${process.env.TEST_MYSQL_URL}/mysql`
        : 'mysql://root@127.0.0.1:3306/mysql',
      REDIS_URL: `redis://127.0.0.1:${redisPort}/0`,
    });
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^api failed to start: cannot reach Redis at 127\.0\.0\.1:\d+ \(ECONNREFUSED\): start it with/,
      ),
    ]);
    expect(stderr).not.toContain('MySQL');
  });
});
