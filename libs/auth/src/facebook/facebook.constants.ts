/** Facebook's id among the providers: its routes are /auth/facebook…, its jobs say `provider: 'facebook'`. */
export const FACEBOOK = 'facebook';

/** Facebook as the API and the SPA list it (GET /api/auth/providers). */
export const FACEBOOK_PROVIDER = { id: FACEBOOK, name: 'Facebook' } as const;

/** Fields the Graph client reads from Facebook's /me (the picture at 200×200, Graph's `large`). */
export const FACEBOOK_PROFILE_FIELDS = ['id', 'email', 'first_name', 'last_name', 'picture.type(large)'] as const;

/**
 * The permissions the dialog asks for beyond public_profile that a person may
 * decline, and so may be asked for again with `GET /auth/facebook?rerequest=…`
 * (a host's extraScope adds its own).
 */
export const FACEBOOK_OPTIONAL_PERMISSIONS = ['email'] as const;

export const FACEBOOK_CALLBACK_PATH = '/auth/facebook/callback';
