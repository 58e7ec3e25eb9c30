export * from './env.schema';
export * from './facebook-endpoints';
export * from './validate-env';
export * from './app-config.module';
export * from './run-process';
