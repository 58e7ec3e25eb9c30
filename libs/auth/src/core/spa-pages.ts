import type { ReasonCode } from './reason-codes';

/** Where the SPA's pages of a sign-in are: the browser routes send people there. */
/** The SPA's page that watches the operation; `provider` lets it name who it waits for. */
export const pendingPage = (provider: string) => `/login/pending?provider=${encodeURIComponent(provider)}`;
/** The SPA's error page for a reason (and the provider the messages name, when one is known). */
export const errorPage = (reason: ReasonCode, provider?: string) =>
  `/login/error?reason=${encodeURIComponent(reason)}` + (provider ? `&provider=${encodeURIComponent(provider)}` : '');

/** The provider of a browser route (`/auth/<id>…`), for its error page; undefined elsewhere. */
export function providerOfPath(path: string): string | undefined {
  return /^\/auth\/([a-z][a-z0-9-]{0,31})(?:\/|$)/.exec(path)?.[1];
}
