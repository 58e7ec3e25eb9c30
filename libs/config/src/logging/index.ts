export * from './log-redaction';
export * from './operation-log-context';
export * from './pino-options';
export * from './app-logger.module';
export * from './standalone-logger';
