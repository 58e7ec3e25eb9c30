/**
 * What both processes and a host app share: the reason codes, the job
 * contract, the sign-in event, the guard and @CurrentUser(). The API imports
 * its modules from `@app/auth/api`, the worker from `@app/auth/worker`.
 */
export * from './core/sign-in.constants';
export * from './core/reason-codes';
export * from './core/worker/sign-in.events';
export * from './core/queue/exchange-job';
export * from './core/session/session.types';
export * from './core/api/authenticated.guard';
export * from './core/api/current-user.decorator';
export * from './core/api/return-to';
export * from './core/worker/provider-exchange';
export * from './core/spa-pages';
