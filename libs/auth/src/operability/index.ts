export * from './metrics.registry';
export * from './metrics-access';
export * from './login-metrics';
export * from './health-checks';
export * from './operability.module';
export * from './operation-log.middleware';
export * from './open-event-streams';
export * from './exchange-metrics';
