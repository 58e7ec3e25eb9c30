/**
 * Creates the database named in DATABASE_URL if it is missing (utf8mb4) and
 * applies every pending migration. Run by `npm start` and `npm run db:setup`.
 */
import 'dotenv/config';
import { ensureDatabase, parseMysqlUrl } from '@app/database';
import { createDataSource } from '../ormconfig';

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL || 'mysql://root@127.0.0.1:3306/facebook_login';
  const { host, port, database } = parseMysqlUrl(url);
  try {
    await ensureDatabase(url);
  } catch (error) {
    const reason = (error as { code?: string }).code ?? (error as Error).message;
    console.error(
      `db:setup: cannot reach MySQL/MariaDB at ${host}:${port} (${reason}). ` +
        'Start it (e.g. `docker compose up -d`, or your local service) or set DATABASE_URL.',
    );
    process.exit(1);
  }
  const dataSource = createDataSource(url);
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    console.log(
      `db:setup: database ${database} on ${host}:${port} is ready` +
        (applied.length ? ` (applied ${applied.map((m) => m.name).join(', ')})` : ' (no pending migrations)'),
    );
  } finally {
    await dataSource.destroy();
  }
}

void main();
