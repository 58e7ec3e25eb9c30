/** Percentiles and small summaries of latency samples (milliseconds). */

export interface Summary {
  n: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

const round = (x: number, digits = 2) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/** Nearest-rank percentile of sorted samples. */
export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function summarize(samples: readonly number[]): Summary | null {
  if (!samples.length) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    n: sorted.length,
    min: round(sorted[0]),
    mean: round(sum / sorted.length),
    p50: round(percentile(sorted, 50)),
    p90: round(percentile(sorted, 90)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1]),
  };
}

/**
 * The empirical CDF reduced to `points` quantiles (plus min and max), enough
 * to draw the distribution without storing every sample.
 */
export function cdfPoints(samples: readonly number[], points = 100): Array<[number, number]> {
  if (!samples.length) return [];
  const sorted = [...samples].sort((a, b) => a - b);
  const out: Array<[number, number]> = [[round(sorted[0]), 0]];
  for (let i = 1; i <= points; i++) {
    const q = i / points;
    out.push([round(percentile(sorted, q * 100)), round(q, 4)]);
  }
  // The tail matters most: add the 99.5 and 99.9 quantiles explicitly.
  for (const q of [0.995, 0.999]) out.push([round(percentile(sorted, q * 100)), q]);
  out.sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  return out;
}

export { round };
