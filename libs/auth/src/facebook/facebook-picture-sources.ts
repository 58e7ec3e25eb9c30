import type { BaseEnv } from '@app/config';

/** Where Facebook serves profile pictures: the app-scoped address /me answers, and the CDN it redirects to. */
export const FACEBOOK_PICTURE_SOURCES = ['https://platform-lookaside.fbsbx.com', 'https://*.fbcdn.net'] as const;

const FACEBOOK_GRAPH_HOST = 'graph.facebook.com';

/** The settings that say where pictures come from (hosts only, no path). */
export type PictureSourceSettings = Pick<BaseEnv, 'FACEBOOK_WEB_URL' | 'FACEBOOK_GRAPH_URL'>;

/**
 * Where the profile pictures may come from, for both the API's CSP `img-src`
 * and the worker, which keeps only a picture URL served from one of these:
 * Facebook's picture hosts when FACEBOOK_GRAPH_URL is Facebook's Graph;
 * otherwise FACEBOOK_WEB_URL's origin, the stand-in as the browser reaches it
 * (the bundled emulator serves its dialog and its pictures on one origin; the
 * Graph URL may be a server-only address such as 127.0.0.1). Nothing wider:
 * no scheme-only source, no `*` beyond Facebook's CDN subdomains.
 */
export function pictureImageSources(settings: PictureSourceSettings): string[] {
  const graph = new URL(settings.FACEBOOK_GRAPH_URL);
  if (graph.protocol === 'https:' && graph.hostname === FACEBOOK_GRAPH_HOST) return [...FACEBOOK_PICTURE_SOURCES];
  return [new URL(settings.FACEBOOK_WEB_URL).origin];
}

/**
 * Whether the browser would load `url` under an `img-src` of `sources` (as
 * pictureImageSources names them): the same origin, or for `scheme://*.host`
 * a subdomain of host on that scheme's default port. Never a URL carrying
 * credentials, nor a scheme the source does not name (no http for https).
 */
export function isPictureFromSources(url: string, sources: readonly string[]): boolean {
  let picture: URL;
  try {
    picture = new URL(url);
  } catch {
    return false;
  }
  if (picture.username || picture.password) return false;
  return sources.some((source) => {
    const wildcard = /^(https?:)\/\/\*\.([a-z0-9.-]+)$/.exec(source);
    if (!wildcard) return picture.origin === source;
    const [, scheme, domain] = wildcard;
    return picture.protocol === scheme && picture.port === '' && picture.hostname.endsWith(`.${domain}`);
  });
}
