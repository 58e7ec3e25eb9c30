/** Flat string parameters, as Facebook reads them (first value wins). */
export type Params = Record<string, string>;

/** Merges query/body objects; later sources win. Non-string values are ignored. */
export function collectParams(...sources: unknown[]): Params {
  const params: Params = {};
  for (const source of sources) {
    if (typeof source !== 'object' || source === null) continue;
    for (const [key, raw] of Object.entries(source)) {
      const value = Array.isArray(raw) ? (raw as unknown[])[0] : raw;
      if (typeof value === 'string') params[key] = value;
    }
  }
  return params;
}

const VERSION_PATTERN = /^v\d+\.\d+$/;

/**
 * Path prefix for a route reached with an optional `:version` segment:
 * '' without one, '/v25.0' for a valid one, undefined for anything else.
 */
export function versionPrefix(version: string | undefined): string | undefined {
  if (version === undefined) return '';
  return VERSION_PATTERN.test(version) ? `/${version}` : undefined;
}

/** `uri?extra&...` without the URI's fragment, keeping its own query as is. */
export function appendQuery(uri: string, extra: Params): string {
  const hashIndex = uri.indexOf('#');
  const base = hashIndex === -1 ? uri : uri.slice(0, hashIndex);
  const query = new URLSearchParams(extra).toString();
  const separator = base.includes('?') ? (/[?&]$/.test(base) ? '' : '&') : '?';
  return `${base}${separator}${query}`;
}
