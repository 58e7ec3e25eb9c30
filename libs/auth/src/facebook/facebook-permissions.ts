import { FACEBOOK_OPTIONAL_PERMISSIONS } from './facebook.constants';

/**
 * What a Facebook permission's name looks like (`email`, `user_birthday`):
 * the API checks a `?rerequest=` against it, the worker what
 * /me/permissions answers. Lower case, digits and `_`, at most 64.
 */
export const FACEBOOK_PERMISSION_NAME = /^[a-z][a-z0-9_]{0,63}$/;

/**
 * The permissions the dialog asks for beyond public_profile (the core's
 * e-mail and the host's extraScope): the API's `scope` and what a sign-in may
 * ask for again, the worker's filter of /me/permissions. Only these can have
 * been declined, so only these may be re-requested or kept as declined.
 */
export function reRequestablePermissions(extraScope: readonly string[] = []): string[] {
  return [...new Set([...FACEBOOK_OPTIONAL_PERMISSIONS, ...extraScope])].filter(
    (permission) => permission !== 'public_profile',
  );
}
