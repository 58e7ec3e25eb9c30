import {
  OperationStatusCode,
  OperationStatusId,
  STATUS_CODES,
} from './async-operation-status.entity';
import type { AsyncOperation } from './async-operation.entity';

/**
 * What clients see of an operation, over JSON and SSE alike:
 * `{id, status, error?: {code, message}}`.
 */
export interface OperationView {
  id: string;
  status: OperationStatusCode;
  error?: { code: string; message: string };
}

export function toOperationView(
  operation: Pick<AsyncOperation, 'publicId' | 'statusId' | 'errorCode' | 'errorMessage'>,
): OperationView {
  const view: OperationView = {
    id: operation.publicId,
    status: STATUS_CODES[operation.statusId],
  };
  if (operation.statusId === OperationStatusId.Error) {
    view.error = {
      code: operation.errorCode ?? 'internal',
      message: operation.errorMessage ?? 'The sign-in failed.',
    };
  }
  return view;
}

export function isTerminal(view: Pick<OperationView, 'status'>): boolean {
  return view.status !== 'pending';
}
