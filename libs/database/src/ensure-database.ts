import { createConnection } from 'mysql2/promise';
import { parseMysqlUrl } from './mysql-options';

/** Creates the database named in DATABASE_URL if it does not exist yet (utf8mb4). */
export async function ensureDatabase(url: string): Promise<void> {
  const { host, port, username, password, database } = parseMysqlUrl(url);
  const connection = await createConnection({
    host,
    port,
    user: username,
    password,
    connectTimeout: 5000,
  });
  try {
    await connection.query(
      `CREATE DATABASE IF NOT EXISTS \`${database.replace(/`/g, '``')}\` ` +
        'CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci',
    );
  } finally {
    await connection.end();
  }
}

/** Drops a database; used by tests to clean up their throwaway databases. */
export async function dropDatabase(url: string): Promise<void> {
  const { host, port, username, password, database } = parseMysqlUrl(url);
  const connection = await createConnection({ host, port, user: username, password });
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${database.replace(/`/g, '``')}\``);
  } finally {
    await connection.end();
  }
}
