import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** The repository's root. */
export const ROOT = join(__dirname, '..', '..');

/** A port the OS says is free right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface TestNamespace {
  /** Unique per run: two runs (or suites) never share a database or Redis keys. */
  id: string;
  databaseUrl: string;
  redisPrefix: string;
}

/** `server` is a MySQL URL without a database (default TEST_MYSQL_URL, else the local MariaDB). */
export function testNamespace(server = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306'): TestNamespace {
  const id = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  return {
    id,
    databaseUrl: `${server}/afl_test_${id}`,
    redisPrefix: `afl-test-${id}`,
  };
}
