import type { Arrival } from '../load';
import { fmt } from './format';

export interface Workload {
  name: string;
  latency: null | { fixedMs: number } | { medianMs: number; p99Ms: number };
  failureRate: number;
  /** closed (default): `concurrency` browsers in a loop; burst: all at once; open: at a rate. */
  arrival?: Arrival;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  drainMs: number;
}

export const REALISTIC = { medianMs: 300, p99Ms: 2000 };

export const FULL_WORKLOADS: Workload[] = [
  { name: '0ms/10', latency: null, failureRate: 0, concurrency: 10, warmupMs: 2000, durationMs: 10000, drainMs: 10000 },
  {
    name: '0ms/100',
    latency: null,
    failureRate: 0,
    concurrency: 100,
    warmupMs: 3000,
    durationMs: 12000,
    drainMs: 10000,
  },
  {
    name: '0ms/500',
    latency: null,
    failureRate: 0,
    concurrency: 500,
    warmupMs: 10000,
    durationMs: 12000,
    drainMs: 15000,
  },
  {
    name: 'real/10',
    latency: REALISTIC,
    failureRate: 0,
    concurrency: 10,
    warmupMs: 3000,
    durationMs: 20000,
    drainMs: 15000,
  },
  {
    name: 'real/100',
    latency: REALISTIC,
    failureRate: 0,
    concurrency: 100,
    warmupMs: 5000,
    durationMs: 15000,
    drainMs: 15000,
  },
  {
    name: 'real/500',
    latency: REALISTIC,
    failureRate: 0,
    concurrency: 500,
    warmupMs: 15000,
    durationMs: 15000,
    drainMs: 20000,
  },
  {
    name: '5xx20%/100',
    latency: null,
    failureRate: 0.2,
    concurrency: 100,
    warmupMs: 3000,
    durationMs: 25000,
    drainMs: 25000,
  },
];

// The targets' reference case (0 ms / 100), short: the quick run prints every target too.
export const QUICK_WORKLOADS: Workload[] = [
  { name: '0ms/100', latency: null, failureRate: 0, concurrency: 100, warmupMs: 1500, durationMs: 3000, drainMs: 5000 },
];

/** Where issue 13's ratios, CPU and counts per login come from (in both the full and the quick matrix). */
export const TARGET_WORKLOAD = '0ms/100';

/** What --workloads accepts: the closed loops by name, and the burst and the open loop as a whole. */
export const WORKLOAD_NAMES: readonly string[] = [
  ...new Set([...FULL_WORKLOADS, ...QUICK_WORKLOADS].map((w) => w.name)),
  'burst',
  'open',
];

/** Issue 13: `size` logins at once, Facebook at a fixed 300 ms per Graph call (token and /me), one shot. */
export const burstWorkload = (size: number): Workload => ({
  name: `burst 300ms/${size}`,
  latency: { fixedMs: 300 },
  failureRate: 0,
  arrival: { kind: 'burst', count: size },
  concurrency: size,
  warmupMs: 0,
  // The cap on the whole burst: all of it should be over in a few seconds.
  durationMs: 60000,
  drainMs: 0,
});

/** Issue 13: open-loop arrivals at 0 ms (the rate is set at run time). */
export const openLoop = (ratePerSecond: number, process: 'poisson' | 'even', quick: boolean): Workload => ({
  name: `open 0ms @ ${fmt(ratePerSecond)}/s`,
  latency: null,
  failureRate: 0,
  arrival: { kind: 'open', ratePerSecond, process },
  concurrency: 0,
  warmupMs: quick ? 1000 : 3000,
  durationMs: quick ? 4000 : 15000,
  drainMs: 10000,
});

/** The open loop's rate when no sse 0 ms / 100 figure exists in the run (a modest one). */
export const FALLBACK_OPEN_RATE = 20;
