/** The worker process's entry point: the core's exchange and each provider's exchange module. */
export * from './core/worker/exchange-worker.module';
export * from './core/worker/exchange.service';
export * from './core/worker/exchange.processor';
// The transport Facebook and Google call their providers with, for a host's own provider.
export {
  KeepAliveAgents,
  ProviderTransportError,
  describeTransportFailure,
  keepAliveAgent,
  sendProviderRequest,
  type ProviderAnswer,
  type ProviderRequest,
} from './core/worker/provider-http';
export * from './core/metrics/exchange-metrics';
export * from './core/metrics/sign-in-metrics.module';
export * from './core/queue/exchange-queue.module';
export * from './facebook/worker/facebook-exchange.module';
export * from './facebook/worker/facebook-api.error';
export * from './facebook/worker/facebook-graph.client';
export * from './facebook/facebook.constants';
export * from './google/worker/google-exchange.module';
export * from './google/google-api.error';
export * from './google/google.constants';
