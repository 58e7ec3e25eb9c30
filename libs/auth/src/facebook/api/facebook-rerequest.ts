import { FACEBOOK_PERMISSION_NAME } from '../facebook-permissions';

/** At most this many permissions in one `?rerequest=`; Facebook's own list is short. */
const MAX_REREQUESTED = 16;

export type ReRequest = { ok: true; permissions: string[] | null } | { ok: false };

/**
 * `GET /auth/facebook?rerequest=email[,…]`: absent is an ordinary start
 * (permissions null); a comma-separated list of re-requestable permissions
 * is a re-request; anything else (an unknown or repeated parameter, an empty
 * list, a permission the app never asks for, beside `link=1`) is refused.
 */
export function parseReRequest(query: Record<string, unknown>, allowed: readonly string[]): ReRequest {
  const value = query.rerequest;
  if (value === undefined) return { ok: true, permissions: null };
  if (typeof value !== 'string' || query.link !== undefined) return { ok: false };
  // split gives at least one item; an empty one ('', 'email,') is no permission's name.
  const permissions = [...new Set(value.split(','))];
  if (permissions.length > MAX_REREQUESTED) return { ok: false };
  const known = permissions.every(
    (permission) => FACEBOOK_PERMISSION_NAME.test(permission) && allowed.includes(permission),
  );
  return known ? { ok: true, permissions } : { ok: false };
}
