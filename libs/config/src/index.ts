export * from './env.schema';
export * from './validate-env';
export * from './app-config.module';
export * from './run-process';
