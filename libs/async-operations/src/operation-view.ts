import { OperationStatusCode, OperationStatusId, STATUS_CODES } from './async-operation-status.entity';
import type { UserView } from '@app/users';
import type { AsyncOperation } from './async-operation.entity';

/**
 * What clients see of an operation, over JSON and SSE alike:
 * `{id, status, error?: {code, message}}`. The final `ok` event on the
 * stream also says who is now signed in and where to go (`user`,
 * `returnTo`), so the browser needs no further request.
 */
export interface OperationView {
  id: string;
  status: OperationStatusCode;
  error?: { code: string; message: string };
  /** On ok, when the session is signed in: the user, as GET /api/me shows it. */
  user?: UserView;
  /** On ok, on the stream: the same-origin path to show next. */
  returnTo?: string;
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
