/** The provider's id: its routes are /auth/example…, its jobs say `provider: 'example'` (lower case, at most 32). */
export const EXAMPLE = 'example';

/** As the API and the SPA list it (GET /api/auth/providers), and as messages name it. */
export const EXAMPLE_PROVIDER = { id: EXAMPLE, name: 'Example' } as const;

/** What the sign-in asks for. */
export const EXAMPLE_SCOPES = ['openid', 'email', 'profile'] as const;
