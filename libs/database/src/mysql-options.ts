import type { MysqlDataSourceOptions } from 'typeorm/driver/mysql/MysqlDataSourceOptions';

/** The parts of a DATABASE_URL, decoded. */
export interface MysqlUrlParts {
  host: string;
  port: number;
  username: string;
  password: string;
  database: string;
}

export function parseMysqlUrl(url: string): MysqlUrlParts {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 3306,
    username: decodeURIComponent(parsed.username) || 'root',
    password: decodeURIComponent(parsed.password),
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')),
  };
}

/**
 * Connection settings shared by the apps, the TypeORM CLI (ormconfig.ts) and
 * the tests, so every path talks to MySQL the same way: utf8mb4 end to end,
 * dates in UTC, bounded connect time, and never `synchronize`.
 */
export function mysqlOptions(
  url: string,
): Omit<MysqlDataSourceOptions, 'entities' | 'migrations'> {
  const { host, port, username, password, database } = parseMysqlUrl(url);
  return {
    // mariadb:// makes TypeORM read MariaDB's catalog dialect (column defaults) correctly.
    type: url.startsWith('mariadb:') ? 'mariadb' : 'mysql',
    host,
    port,
    username,
    password,
    database,
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    connectTimeout: 5000,
    poolSize: 10,
    synchronize: false,
    migrationsRun: false,
    migrationsTableName: 'migrations',
    extra: {
      // Keep sockets healthy through idle periods and MySQL restarts.
      enableKeepAlive: true,
      keepAliveInitialDelay: 10000,
      waitForConnections: true,
      queueLimit: 1000,
    },
  };
}
