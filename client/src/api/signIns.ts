import { request } from './http';
import type { ApiSchemas } from './schema-types';

/**
 * One attempt of the signed-in user, as `GET /api/me/sign-ins` returns it:
 * `at` is ISO 8601, `reason` a code explained with `describeReason`.
 */
export type SignIn = ApiSchemas['SignInDto'] & {
  /** The attempt's provider (`facebook`, `google`), should the server say (the document has no such field yet); none means Facebook. */
  provider?: string;
};

export const SIGN_INS_URL = '/api/me/sign-ins';

/** The signed-in user's last attempts, newest first. */
export async function getSignIns(): Promise<SignIn[]> {
  const { signIns } =
    await request<ApiSchemas['SignInHistoryDto']>(SIGN_INS_URL);
  return Array.isArray(signIns) ? signIns : [];
}

// Order matters: Edge and Opera say "Chrome" too, Chrome says "Safari", Android says "Linux".
const BROWSERS: [RegExp, string][] = [
  [/\bEdg(e|A|iOS)?\//, 'Edge'],
  [/\b(OPR|Opera)\//, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\b(Firefox|FxiOS)\//, 'Firefox'],
  [/\b(Chrome|HeadlessChrome|CriOS|Chromium)\//, 'Chrome'],
  [/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
];
const SYSTEMS: [RegExp, string][] = [
  [/\biPhone\b/, 'iPhone'],
  [/\biPad\b/, 'iPad'],
  [/\bAndroid\b/, 'Android'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bWindows\b/, 'Windows'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bLinux\b/, 'Linux'],
];

/** "Firefox on Linux", "Safari on iPhone"; the raw text (shortened) when it names no browser we know. */
export function describeBrowser(userAgent: string | null | undefined): string {
  const text = userAgent?.trim();
  if (!text) return 'An unknown browser';
  const browser = BROWSERS.find(([pattern]) => pattern.test(text))?.[1];
  const system = SYSTEMS.find(([pattern]) => pattern.test(text))?.[1];
  if (browser && system) return `${browser} on ${system}`;
  if (browser) return browser;
  if (system) return `A browser on ${system}`;
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

/** The moment of an attempt in the reader's own words and time zone. */
export function formatSignInTime(
  iso: string,
  options: { locale?: string; timeZone?: string } = {},
): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return 'At an unknown time';
  return new Intl.DateTimeFormat(options.locale, {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: options.timeZone,
  }).format(date);
}
