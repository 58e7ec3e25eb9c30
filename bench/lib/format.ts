/** A figure for the tables: — when missing, whole numbers from 100 up, else `digits` decimals. */
export const fmt = (x: number | undefined | null, digits = 1) =>
  x === undefined || x === null || Number.isNaN(x) ? '—' : x >= 100 ? String(Math.round(x)) : x.toFixed(digits);

/** A share as a percentage (two decimals just under 100 %, where one would round 99.95 % up to 100). */
export function pct(x: number): string {
  if (!Number.isFinite(x)) return '—';
  return `${(x * 100).toFixed(x >= 0.999 && x < 1 ? 2 : 1)} %`;
}
