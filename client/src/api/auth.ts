import { isHttpError, request } from './http';

/** The signed-in user, as `GET /api/me` returns it. */
export interface User {
  id: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  /**
   * The providers linked to this user (`facebook`, `google`), as `GET /api/me`
   * answers them. A user that arrives without them (an older session's, or an
   * operation's `ok` that leaves them out) is checked with `/api/me`.
   */
  providers?: string[];
}

export type OperationStatus = 'pending' | 'ok' | 'error';

export interface OperationError {
  code: string;
  message: string;
}

/**
 * This browser's latest sign-in attempt. Once it is `ok` the server has
 * already signed this browser in: `user` says as whom, `returnTo` where to go.
 */
export interface Operation {
  id: string;
  status: OperationStatus;
  /** The provider of this attempt (`facebook`, `google`), when the server says. */
  provider?: string;
  error?: OperationError;
  user?: User;
  returnTo?: string;
}

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
    return await request<User>('/api/me');
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
 * already checks; this keeps the SPA safe on its own.
 */
export function sameOriginPath(candidate: unknown): string {
  if (typeof candidate !== 'string') return '/';
  if (!candidate.startsWith('/') || candidate.startsWith('//')) return '/';
  if (/[\\\u0000-\u001f]/.test(candidate)) return '/';
  return candidate;
}

export async function logout(): Promise<void> {
  await request<void>('/api/auth/logout', { method: 'POST', json: {} });
}
