import { z } from 'zod';

const MAX_LATENCY_MS = 10 * 60 * 1000;

export const latencyProfileSchema = z.union([
  z.strictObject({ fixedMs: z.number().min(0).max(MAX_LATENCY_MS) }),
  z
    .strictObject({
      medianMs: z.number().positive().max(MAX_LATENCY_MS),
      p99Ms: z.number().positive().max(MAX_LATENCY_MS),
    })
    .refine((value) => value.p99Ms >= value.medianMs, {
      message: 'p99Ms must be >= medianMs',
      path: ['p99Ms'],
    }),
]);

export type LatencyProfile = z.infer<typeof latencyProfileSchema>;

/** z-score of the 99th percentile of a standard normal distribution. */
export const Z_99 = 2.326;

/** Box–Muller: one standard normal sample from two uniform ones. */
export function standardNormal(random: () => number = Math.random): number {
  const u1 = 1 - random(); // (0, 1]: log(0) must not happen
  const u2 = random();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/**
 * Delay for one call. The realistic profile is log-normal: median = e^mu and
 * p99 = e^(mu + Z_99 * sigma), so sigma = ln(p99 / median) / Z_99.
 */
export function sampleLatencyMs(profile: LatencyProfile | null, normal: () => number = standardNormal): number {
  if (!profile) return 0;
  if ('fixedMs' in profile) return profile.fixedMs;
  const mu = Math.log(profile.medianMs);
  const sigma = Math.log(profile.p99Ms / profile.medianMs) / Z_99;
  return Math.min(MAX_LATENCY_MS, Math.exp(mu + sigma * normal()));
}
