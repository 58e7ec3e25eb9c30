/** Facebook's id among the providers: its routes are /auth/facebook…, its jobs say `provider: 'facebook'`. */
export const FACEBOOK = 'facebook';

/** Facebook as the API and the SPA list it (GET /api/auth/providers). */
export const FACEBOOK_PROVIDER = { id: FACEBOOK, name: 'Facebook' } as const;

/** Fields read from Facebook's /me, shared by the strategy and the Graph client. */
export const FACEBOOK_PROFILE_FIELDS = ['id', 'email', 'first_name', 'last_name'] as const;

export const FACEBOOK_CALLBACK_PATH = '/auth/facebook/callback';
