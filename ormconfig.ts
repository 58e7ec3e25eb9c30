import 'dotenv/config';
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { AsyncOperation, AsyncOperationStatus } from '@app/async-operations';
import { mysqlOptions } from '@app/database';
import { DataDeletionRequest, UserIdentity, UserProfile } from '@app/users';
import { MIGRATIONS } from './migrations';

export const ENTITIES = [UserProfile, UserIdentity, AsyncOperationStatus, AsyncOperation, DataDeletionRequest];

export function createDataSource(
  url = process.env.DATABASE_URL || 'mysql://root@127.0.0.1:3306/facebook_login',
): DataSource {
  return new DataSource({
    ...mysqlOptions(url),
    entities: ENTITIES,
    migrations: MIGRATIONS,
  });
}

/** The one DataSource of the TypeORM CLI (`npm run migration:*`). */
export default createDataSource();
