import * as mysql2 from 'mysql2';
import type { MysqlDataSourceOptions } from 'typeorm/driver/mysql/MysqlDataSourceOptions';

/** Run on every new connection, before its first query. */
export const UTC_SESSION_SQL = "SET time_zone = '+00:00'";

/**
 * mysql2 with one change: each connection a pool opens sets its session time
 * zone to UTC before anything else runs on it. mysql2's `timezone: 'Z'` only
 * converts the Dates it sends and reads; column defaults and SQL expressions
 * (CURRENT_TIMESTAMP(3), NOW()) follow the session's zone, which is the
 * server's unless set. mysql2 queues commands per connection and emits
 * 'connection' before the pool hands the connection out, so the SET always
 * runs first, including on connections that replace dead ones. A connection
 * whose SET fails is destroyed, so nothing ever runs in another zone.
 */
export const utcMysql2: typeof mysql2 = Object.create(mysql2, {
  createPool: {
    value: (config: mysql2.PoolOptions): mysql2.Pool => {
      const pool = mysql2.createPool(config);
      pool.on('connection', (connection) => {
        connection.query(UTC_SESSION_SQL, (error) => {
          if (error) connection.destroy();
        });
      });
      return pool;
    },
  },
}) as typeof mysql2;

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
 * Which database a DATABASE_URL names, without credentials:
 * `host:port/database`, host lower-cased. Things that only make sense
 * against one database (the login queue's jobs, the sign-in sets of user
 * ids) carry it in their Redis keys, so two deployments that share a Redis
 * and a REDIS_PREFIX by mistake never mix them. Every process of one
 * deployment must spell its DATABASE_URL's host the same way.
 */
export function databaseIdentity(url: string): string {
  const { host, port, database } = parseMysqlUrl(url);
  return `${host.toLowerCase()}:${port}/${database}`;
}

/**
 * Connection settings shared by the apps, the TypeORM CLI (ormconfig.ts) and
 * the tests, so every path talks to MySQL the same way: utf8mb4 end to end,
 * dates in UTC (converted by mysql2 and computed by MySQL, whatever the
 * server's time zone), bounded connect time, and never `synchronize`.
 */
export function mysqlOptions(url: string): Omit<MysqlDataSourceOptions, 'entities' | 'migrations'> {
  const { host, port, username, password, database } = parseMysqlUrl(url);
  return {
    // mariadb:// makes TypeORM read MariaDB's catalog dialect (column defaults) correctly.
    type: url.startsWith('mariadb:') ? 'mariadb' : 'mysql',
    driver: utcMysql2,
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
      // No stack captured at every query's call site (mysql2's `trace`): TypeORM
      // wraps the errors in its own anyway, and the capture was ~4 % of the
      // worker's CPU (docs/BENCHMARKS.md, issue 13).
      trace: false,
    },
  };
}
