/**
 * What a Facebook permission's name looks like (`email`, `user_birthday`):
 * the API checks a `?rerequest=` against it, the worker what
 * /me/permissions answers. Lower case, digits and `_`, at most 64.
 */
export const FACEBOOK_PERMISSION_NAME = /^[a-z][a-z0-9_]{0,63}$/;
