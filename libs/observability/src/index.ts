export * from './metrics.registry';
export * from './metrics-access';
export * from './health-checks';
export * from './readiness.registry';
export * from './observability.module';
export * from './observability-http.module';
