/**
 * Where the provider is and who we are to it. A real provider module reads
 * these from the environment, validated at boot (libs/config's env.schema.ts
 * does it for Facebook and Google); the skeleton takes them from forRoot().
 */
export interface ExampleOptions {
  /** The browser's dialog (OAuth 2.0 authorization endpoint). */
  authorizeUrl: string;
  /** The worker's code redemption (token endpoint). */
  tokenUrl: string;
  /** The worker's "who is this" (an OpenID Connect userinfo endpoint). */
  userinfoUrl: string;
  clientId: string;
  clientSecret: string;
  /** Timeout of one call (default 5000 ms). */
  timeoutMs?: number;
}

export const EXAMPLE_OPTIONS = Symbol('EXAMPLE_OPTIONS');
