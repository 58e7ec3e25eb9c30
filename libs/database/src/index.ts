export * from './mysql-options';
export * from './ensure-database';
export * from './database.module';
export * from './dependency-errors';
export * from './timestamp-columns';
