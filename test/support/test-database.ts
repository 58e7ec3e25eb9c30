import { DataSource } from 'typeorm';
import { dropDatabase, ensureDatabase } from '@app/database';
import { createDataSource } from '../../ormconfig';

/** A throwaway database with every migration applied, and a DataSource for assertions. */
export async function createTestDatabase(url: string): Promise<DataSource> {
  await ensureDatabase(url);
  const dataSource = createDataSource(url);
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  return dataSource;
}

export async function destroyTestDatabase(dataSource: DataSource, url: string): Promise<void> {
  if (dataSource.isInitialized) await dataSource.destroy();
  await dropDatabase(url);
}
