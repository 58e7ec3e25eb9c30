import { createConnection } from 'mysql2/promise';
import type { Reachability } from '@app/config/service-reachability';
import { withTimeout } from '@app/config/service-reachability';
import { parseMysqlUrl } from './mysql-options';

/** Connects once to DATABASE_URL (2 s at most) and says whether the process can use it. */
export async function mysqlReachability(url: string, timeoutMs = 2000): Promise<Reachability> {
  const { host, port, username, password, database } = parseMysqlUrl(url);
  const result = {
    service: 'MySQL',
    target: `${host}:${port}`,
    setting: 'DATABASE_URL',
  };
  try {
    const connection = await withTimeout(
      createConnection({
        host,
        port,
        user: username,
        password,
        database,
        connectTimeout: timeoutMs,
      }),
      timeoutMs + 500,
    );
    await connection.end().catch(() => undefined);
    return { ...result, problem: null };
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ER_BAD_DB_ERROR') {
      return {
        ...result,
        problem: `no database ${database}`,
        hint: 'create it with `npm run db:setup`',
      };
    }
    if (code === 'ER_ACCESS_DENIED_ERROR' || code === 'ER_DBACCESS_DENIED_ERROR') {
      return {
        ...result,
        problem: `access denied for ${username}`,
        hint: 'fix the user or password in DATABASE_URL',
      };
    }
    return { ...result, problem: code ?? (error as Error).message };
  }
}
