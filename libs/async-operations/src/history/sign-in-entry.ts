import { STATUS_CODES, type OperationStatusCode } from '../async-operation-status.entity';
import type { AsyncOperation } from '../async-operation.entity';

/** One line of a person's sign-in history, as `GET /api/me/sign-ins` shows it. */
export interface SignInEntry {
  /** The operation's public id. */
  id: string;
  /** When the attempt began (the callback), ISO 8601. */
  at: string;
  status: OperationStatusCode;
  /** The error code, for failures. */
  reason?: string;
  /** The server's sentence for it, for failures. */
  reasonMessage?: string;
  userAgent: string | null;
  clientIp: string | null;
}

/** The same, with what support staff need besides (`GET /admin/operations`). */
export interface OperationRecord extends SignInEntry {
  finishedAt: string | null;
  attempts: number;
  /** Public id of the user it belongs to, if any. */
  userId: string | null;
}

export function toSignInEntry(operation: AsyncOperation): SignInEntry {
  const entry: SignInEntry = {
    id: operation.publicId,
    at: operation.createdAt.toISOString(),
    status: STATUS_CODES[operation.statusId],
    userAgent: operation.userAgent,
    clientIp: operation.clientIp,
  };
  if (entry.status === 'error') {
    entry.reason = operation.errorCode ?? 'internal';
    if (operation.errorMessage) entry.reasonMessage = operation.errorMessage;
  }
  return entry;
}

export function toOperationRecord(operation: AsyncOperation): OperationRecord {
  return {
    ...toSignInEntry(operation),
    finishedAt: operation.finishedAt?.toISOString() ?? null,
    attempts: operation.attempts,
    userId: operation.userProfile?.publicId ?? null,
  };
}
