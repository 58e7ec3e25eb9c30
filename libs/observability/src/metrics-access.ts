import { createHash, timingSafeEqual } from 'node:crypto';
import type { BaseEnv } from '@app/config';

export type MetricsAccess = 'allowed' | 'disabled' | 'unauthorized' | 'token-required';

/** The answer to a production scrape while METRICS_TOKEN is unset (403; the process still boots). */
export const METRICS_TOKEN_REQUIRED_MESSAGE =
  'Metrics are not served in production without a token: set METRICS_TOKEN (16+ characters) and scrape with Authorization: Bearer <METRICS_TOKEN>';

/** Compares two secrets in constant time, whatever their lengths. */
export function secretsMatch(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * Whether a scrape may read the metrics: off with METRICS_ENABLED=false (404);
 * with METRICS_TOKEN set, only `Authorization: Bearer <token>` (401 otherwise);
 * in production without METRICS_TOKEN, never (403 saying to set it) — the
 * metrics name queues, reasons and traffic, which is not for anyone who asks.
 */
export function metricsAccess(
  env: Pick<BaseEnv, 'METRICS_ENABLED' | 'METRICS_TOKEN'> & Partial<Pick<BaseEnv, 'NODE_ENV'>>,
  authorization: string | undefined,
): MetricsAccess {
  if (!env.METRICS_ENABLED) return 'disabled';
  if (!env.METRICS_TOKEN) return env.NODE_ENV === 'production' ? 'token-required' : 'allowed';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match && secretsMatch(match[1], env.METRICS_TOKEN) ? 'allowed' : 'unauthorized';
}
