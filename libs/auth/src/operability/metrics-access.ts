import { createHash, timingSafeEqual } from 'node:crypto';
import type { BaseEnv } from '@app/config';

export type MetricsAccess = 'allowed' | 'disabled' | 'unauthorized';

/** Compares two secrets in constant time, whatever their lengths. */
export function secretsMatch(given: string, expected: string): boolean {
  const digest = (value: string) =>
    createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * Whether a scrape may read the metrics: off with METRICS_ENABLED=false (404);
 * with METRICS_TOKEN set, only `Authorization: Bearer <token>` (401 otherwise).
 */
export function metricsAccess(
  env: Pick<BaseEnv, 'METRICS_ENABLED' | 'METRICS_TOKEN'>,
  authorization: string | undefined,
): MetricsAccess {
  if (!env.METRICS_ENABLED) return 'disabled';
  if (!env.METRICS_TOKEN) return 'allowed';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match && secretsMatch(match[1], env.METRICS_TOKEN)
    ? 'allowed'
    : 'unauthorized';
}
