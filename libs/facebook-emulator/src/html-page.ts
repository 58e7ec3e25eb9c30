import type { Response } from 'express';
import type { Params } from './request-params';

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]);
}

/** Served with every emulator page: nothing but inline styles may load. */
export const PAGE_CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'";

const STYLES = `
  *, *::before, *::after { box-sizing: border-box; }
  body { margin: 0; background: #f0f2f5; color: #1c1e21;
    font: 16px/1.4 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; }
  main { max-width: 32rem; margin: 2rem auto; padding: 1.5rem; background: #fff;
    border-radius: 8px; box-shadow: 0 2px 8px rgba(0, 0, 0, 0.15); }
  .banner { margin: 0 0 1rem; padding: 0.5rem 0.75rem; border-radius: 6px;
    background: #fff4ce; color: #4d3b00; font-size: 0.875rem; }
  h1 { margin: 0 0 0.75rem; font-size: 1.5rem; color: #0b4fb3; }
  h2 { margin: 1.5rem 0 0.5rem; font-size: 1.125rem; }
  ul { padding: 0; list-style: none; }
  .scopes li { display: inline-block; margin: 0 0.25rem 0.25rem 0; padding: 0.125rem 0.5rem;
    border-radius: 999px; background: #e7f0fd; color: #0b4fb3; font-size: 0.875rem; }
  .notice { padding: 0.5rem 0.75rem; border-left: 4px solid #b35c00; background: #fff7ef; }
  .users li { margin: 0 0 0.75rem; padding: 0.75rem; border: 1px solid #dadde1; border-radius: 6px; }
  .who { margin: 0 0 0.5rem; overflow-wrap: anywhere; }
  .who .name { display: block; font-weight: 600; }
  .who .email { display: block; color: #4b4f56; font-size: 0.875rem; }
  form { margin: 0; }
  .access { margin: 0 0 0.75rem; padding: 0.5rem 0.75rem; border: 1px solid #dadde1; border-radius: 6px; }
  .access legend { padding: 0 0.25rem; font-size: 0.875rem; font-weight: 600; }
  .access ul { margin: 0; }
  .users .access li { display: flex; gap: 0.5rem; align-items: center; min-height: 2rem;
    margin: 0; padding: 0; border: 0; }
  .access input { width: 1.25rem; height: 1.25rem; }
  button { min-height: 2.75rem; padding: 0.5rem 1rem; border: 0; border-radius: 6px;
    background: #0b5fcc; color: #fff; font: inherit; font-weight: 600; cursor: pointer;
    max-width: 100%; overflow-wrap: anywhere; }
  button:hover { background: #0a52b0; }
  button:focus-visible { outline: 3px solid #1c1e21; outline-offset: 2px; }
  button.secondary { background: #e4e6eb; color: #1c1e21; }
  button.secondary:hover { background: #d8dadf; }
  .fine { margin-top: 1.5rem; color: #4b4f56; font-size: 0.8125rem; overflow-wrap: anywhere; }
`;

/** A whole page: `banner` says which provider this stands in for. */
export function renderLayout(banner: string, title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>${STYLES}</style>
</head>
<body>
<main>
<p class="banner" role="note">${escapeHtml(banner)}</p>
${body}
</main>
</body>
</html>
`;
}

/** "a", "a and b", "a, b and c". */
export function englishList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** The request's parameters, replayed by a form (the pages keep no server-side state). */
export function hiddenFields(params: Params): string {
  return Object.entries(params)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
}

export function sendHtml(res: Response, status: number, html: string): void {
  res
    .status(status)
    .set({
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': PAGE_CONTENT_SECURITY_POLICY,
      'X-Frame-Options': 'DENY',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
    })
    .send(html);
}

/** Only ever called with a registered redirect URI. */
export function redirectBrowser(res: Response, location: string): void {
  res.status(302).set('Cache-Control', 'no-store').location(location).end();
}
