/**
 * What a host app asks Facebook for beyond the core's fields (id, names,
 * e-mail): `FacebookAuthModule.forRoot({ extraScope: ['user_birthday'] })` on
 * the API (the dialog asks for the permission) and
 * `FacebookExchangeModule.forRoot({ extraFields: ['birthday'] })` on the
 * worker (/me answers the field, and SIGN_IN_FINISHED_EVENT carries it in
 * `identity.extra`). See docs/EXTENDING.md.
 */
export interface FacebookOptions {
  /** Extra Graph fields of /me, e.g. `birthday`, `picture.type(large)`. */
  extraFields?: readonly string[];
  /** Extra permissions the dialog asks for, e.g. `user_birthday`. */
  extraScope?: readonly string[];
}

export const FACEBOOK_OPTIONS = Symbol('FACEBOOK_OPTIONS');
