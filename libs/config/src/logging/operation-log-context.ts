import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The login attempt the current code works for. Every log line written
 * inside it carries `operationId` (see `operationLogMixin`), so one grep over
 * the API's and the worker's logs tells one login's story.
 */
export interface OperationLogContext {
  operationId?: string;
  /** Read at each log line: the callback learns its operation id halfway through the request. */
  resolve?: () => string | undefined;
}

const storage = new AsyncLocalStorage<OperationLogContext>();

export function runWithOperationLogContext<T>(context: OperationLogContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function currentOperationId(): string | undefined {
  const context = storage.getStore();
  return context?.operationId ?? context?.resolve?.();
}

/**
 * pino `mixin`: adds the current operation id to every line. Request lines
 * (`res` in the line) get theirs from pino-http's `customProps` instead, so
 * the field is never written twice.
 */
export function operationLogMixin(mergeObject: object): Record<string, string> {
  if ('res' in mergeObject) return {};
  const operationId = currentOperationId();
  return operationId ? { operationId } : {};
}
