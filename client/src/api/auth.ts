import { safeReturnPath } from '@contract/return-path';
import { isHttpError, request } from './http';
import type { ApiSchemas } from './schema-types';

type Me = ApiSchemas['MeViewDto'];

/** Who someone is: what every answer that carries a user has. */
type Identity = Pick<Me, 'id' | 'firstName' | 'lastName' | 'email'>;

/**
 * The signed-in user: what `GET /api/me` answers, or the `user` of an
 * operation's `ok`. Past the identity, every field is optional here: an
 * operation's user leaves out the linked `providers` (a user without them is
 * checked with `/api/me`), and a session or server from before a field
 * existed does not send it.
 */
export type User = Identity & Partial<Omit<Me, keyof Identity>>;

export type OperationStatus = ApiSchemas['OperationViewDto']['status'];

export type OperationError = ApiSchemas['OperationErrorDto'];

/**
 * This browser's latest sign-in attempt. Once it is `ok` the server has
 * already signed this browser in: `user` says as whom, `returnTo` where to go.
 */
export type Operation = Omit<ApiSchemas['OperationViewDto'], 'user'> & {
  user?: User;
  /** The provider of this attempt (`facebook`, `google`), should the server say (the document has no such field yet). */
  provider?: string;
};

/** Server-Sent Events stream of the current sign-in attempt. */
export const EVENTS_URL = '/api/auth/operation/events';

export function isTerminal(status: OperationStatus): boolean {
  return status === 'ok' || status === 'error';
}

export function isOperation(value: unknown): value is Operation {
  if (typeof value !== 'object' || value === null) return false;
  const op = value as Partial<Operation>;
  return (
    typeof op.id === 'string' &&
    (op.status === 'pending' || op.status === 'ok' || op.status === 'error')
  );
}

/** The current user, or `null` when signed out (401). */
export async function getMe(): Promise<User | null> {
  try {
    return await request<Me>('/api/me');
  } catch (error) {
    if (isHttpError(error, 401)) return null;
    throw error;
  }
}

/** The latest sign-in attempt, or `null` when there is none (404). */
export async function getOperation(): Promise<Operation | null> {
  try {
    return await request<Operation>('/api/auth/operation');
  } catch (error) {
    if (isHttpError(error, 404)) return null;
    throw error;
  }
}

/**
 * Where to go after sign-in: a path on this origin, or home. The server
 * already checks, by this same rule (the contract's); this keeps the SPA
 * safe on its own.
 */
export const sameOriginPath: (candidate: unknown) => string = safeReturnPath;

export async function logout(): Promise<void> {
  await request<void>('/api/auth/logout', { method: 'POST', json: {} });
}
