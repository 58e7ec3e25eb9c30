/**
 * What a host app asks Facebook for beyond the core's fields (id, names,
 * e-mail, picture): `FacebookAuthModule.forRoot({ extraScope: ['user_birthday'] })`
 * on the API (the dialog asks for the permission, `?rerequest=` may ask again) and
 * `FacebookExchangeModule.forRoot({ extraScope: ['user_birthday'], extraFields: ['birthday'] })`
 * on the worker (/me answers the field, SIGN_IN_FINISHED_EVENT carries it in
 * `identity.extra`, and a declined user_birthday is kept as declined). See docs/EXTENDING.md.
 */
export interface FacebookOptions {
  /** Extra Graph fields of /me, e.g. `birthday`, `name`. */
  extraFields?: readonly string[];
  /** Extra permissions the dialog asks for, e.g. `user_birthday`: the same list on the API and the worker. */
  extraScope?: readonly string[];
}

export const FACEBOOK_OPTIONS = Symbol('FACEBOOK_OPTIONS');
