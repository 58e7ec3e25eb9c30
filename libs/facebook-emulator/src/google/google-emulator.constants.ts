/** Every route of the Google side lives under this prefix; the issuer's path is the same. */
export const GOOGLE_PATH_PREFIX = '/google';

/** Routes below GOOGLE_PATH_PREFIX, named after Google's own. */
export const GOOGLE_ROUTES = {
  discovery: '/.well-known/openid-configuration',
  authorization: '/o/oauth2/v2/auth',
  token: '/token',
  userinfo: '/v1/userinfo',
  jwks: '/oauth2/v3/certs',
} as const;

/** The endpoints a server calls: each has its own fault queue and call counter. */
export const GOOGLE_ENDPOINTS = ['discovery', 'token', 'jwks', 'userinfo'] as const;
export type GoogleEndpoint = (typeof GOOGLE_ENDPOINTS)[number];

/** What Google answers for a fresh access token. */
export const GOOGLE_ACCESS_TOKEN_EXPIRES_IN_SECONDS = 3599;
/** Google's id_tokens live one hour. */
export const ID_TOKEN_LIFETIME_SECONDS = 3600;

/** The scopes the emulator knows, by their short names. */
export const GOOGLE_SCOPES = ['openid', 'email', 'profile'] as const;
export type GoogleScope = (typeof GOOGLE_SCOPES)[number];

/** Google accepts the long forms too, and answers with them in `scope`. */
export const GOOGLE_SCOPE_URIS: Readonly<Record<GoogleScope, string>> = {
  openid: 'openid',
  email: 'https://www.googleapis.com/auth/userinfo.email',
  profile: 'https://www.googleapis.com/auth/userinfo.profile',
};

/** Wording of Google's consent screen for each scope. */
export const GOOGLE_SCOPE_DESCRIPTIONS: Readonly<Record<GoogleScope, string>> = {
  openid: 'associate you with your personal info on Google',
  email: 'see your primary Google Account email address',
  profile: "see your personal info, including any personal info you've made publicly available",
};
