/** Where Facebook serves profile pictures: the app-scoped address /me answers, and the CDN it redirects to. */
export const FACEBOOK_PICTURE_SOURCES = ['https://platform-lookaside.fbsbx.com', 'https://*.fbcdn.net'] as const;

const FACEBOOK_GRAPH_HOST = 'graph.facebook.com';

/**
 * The CSP `img-src` sources the profile pictures need, from FACEBOOK_GRAPH_URL
 * (a host, no path): Facebook's picture hosts when it is Facebook's Graph;
 * otherwise that host's own origin, where a stand-in (the bundled emulator)
 * serves the pictures its /me points at. Nothing wider: no scheme-only
 * source, no `*` beyond Facebook's CDN subdomains.
 */
export function pictureImageSources(facebookGraphUrl: string): string[] {
  const graph = new URL(facebookGraphUrl);
  if (graph.protocol === 'https:' && graph.hostname === FACEBOOK_GRAPH_HOST) return [...FACEBOOK_PICTURE_SOURCES];
  return [graph.origin];
}
