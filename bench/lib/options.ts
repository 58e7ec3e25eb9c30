import { parseArgs } from 'node:util';
import type { Variant } from './flows';
import { ROOT } from './settings';
import { WORKLOAD_NAMES } from './workloads';

export interface BenchOptions {
  /** The arguments as given (recorded as the run's `command`). */
  argv: string[];
  help: boolean;
  quick: boolean;
  /** The chart and the doc's tables from bench/results/latest.json, no run. */
  redraw: boolean;
  /** Boot the stack, print its URLs, wait for Ctrl+C. */
  serve: boolean;
  variants: Variant[];
  /** split: servers on CPU 0, the "outside world" (load generator, emulator) on CPU 1. */
  pin: 'split' | 'none';
  /** The stream-capacity rounds (--no-streams: none). */
  streams: boolean;
  streamCounts: number[];
  /** Heap snapshots around the smallest stream count, to say what one stream is made of. */
  heapSnapshot: boolean;
  profile: boolean;
  /** The per-step costs even when --workloads picks a few workloads. */
  steps: boolean;
  /** Only these workloads (for investigating one case). */
  workloads?: string[];
  /** Settings for the API and the worker on top of the bench's own. */
  serverEnv: Record<string, string>;
  /** Servers from before issue 13's SPA contract (e.g. --dist of an older build): POST /api/auth/complete after ok. */
  legacyComplete: boolean;
  /** Logins fired at once in the burst scenario. */
  burstSize: number;
  /** Logins/s of the open loop; undefined: half of sse's measured 0 ms / 100 rate in the same run. */
  openRate?: number;
  openArrivals: 'poisson' | 'even';
  /** The checkout whose built API and worker run (--dist; default this one). */
  distRoot: string;
  label?: string;
  /** A run of part of the matrix: its results go to bench/results/partial.json, and the docs are left alone. */
  partial: boolean;
}

const VARIANTS: readonly Variant[] = ['sse', 'poll', 'inline'];

export const USAGE = `Usage: npm run bench -- [options]

Runs the whole matrix (~15 min) against one emulator, one MariaDB and one Redis, prints the
tables and issue 13's targets, writes bench/results/latest.json (+ a dated copy), the chart and
the generated part of docs/BENCHMARKS.md. Build first (npm run build): nothing here builds.

  --quick                      ~1 min smoke run (0 ms / 100 for 3 s per variant, the burst, a 4 s
                               open loop, 20 logins one at a time, 500 streams); writes
                               bench/results/quick.json
  --redraw                     the chart and the doc's tables from bench/results/latest.json, no run
  --serve                      boot the stack, print its URLs, wait for Ctrl+C
  --only=sse,poll,inline       only these variants
  --workloads=0ms/100,burst    only these workloads: 0ms/10, 0ms/100, 0ms/500, real/10, real/100,
                               real/500, 5xx20%/100 (closed loops), burst, open
  --streams=1000,5000          open streams per capacity round (default 1000,5000,10000;
                               --quick 500)
  --no-streams                 no stream-capacity rounds
  --profile, --no-profile      CPU profiles of the servers (default: on, off with --quick)
  --no-heap-snapshot           no heap snapshots around the smallest stream count
  --steps                      the one-at-a-time costs per step even with --workloads
  --burst=100                  logins fired at once in the burst
  --open-rate=30               logins/s of the open loop (default: half of sse's 0ms/100 rate)
  --open-arrivals=poisson|even how the open loop's arrivals are spaced (default poisson)
  --legacy-complete            servers from before issue 13's SPA contract (POST /api/auth/complete)
  --pin=split|none             split (default): servers on CPU 0, load and emulator on CPU 1
  --env=KEY=VALUE,...          settings of the API and the worker on top of the bench's own
  --dist=/other/checkout       run that checkout's built API and worker (results go to
                               bench/results/<label>.json, the docs are left alone)
  --label=name                 the name of that results file (default: alternative)
  -h, --help                   this text

A run with --only, --workloads, --streams, --no-streams, --env, --burst, --open-rate,
--open-arrivals or --legacy-complete is partial: it writes bench/results/partial.json and leaves
the docs alone. BENCH_MYSQL_URL and BENCH_REDIS_URL override mysql://root@127.0.0.1:3306 and
redis://127.0.0.1:6379/0.`;

/** Bad command-line input: the entry point prints the message and the usage, and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const SPEC = {
  help: { type: 'boolean', short: 'h' },
  quick: { type: 'boolean' },
  redraw: { type: 'boolean' },
  serve: { type: 'boolean' },
  only: { type: 'string' },
  workloads: { type: 'string' },
  streams: { type: 'string' },
  'no-streams': { type: 'boolean' },
  profile: { type: 'boolean' },
  'no-profile': { type: 'boolean' },
  'no-heap-snapshot': { type: 'boolean' },
  steps: { type: 'boolean' },
  burst: { type: 'string' },
  'open-rate': { type: 'string' },
  'open-arrivals': { type: 'string' },
  'legacy-complete': { type: 'boolean' },
  pin: { type: 'string' },
  env: { type: 'string' },
  dist: { type: 'string' },
  label: { type: 'string' },
} as const;

function parse(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: SPEC, strict: true, allowPositionals: false }).values;
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    // Node's own wording suggests `-- "--nope"`, which means nothing to npm run bench.
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
      throw new UsageError(`unknown option ${/'([^']+)'/.exec(message)?.[1]}`);
    if (code?.startsWith('ERR_PARSE_ARGS_')) throw new UsageError(message);
    throw error;
  }
}

/** A comma-separated list with no empty item. */
function list(flag: string, value: string): string[] {
  const items = value.split(',');
  if (items.some((item) => item === '')) throw new UsageError(`--${flag} wants a comma-separated list, got "${value}"`);
  return items;
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!allowed.includes(value as T))
    throw new UsageError(`--${flag}: "${value}" is not one of ${allowed.map((a) => `"${a}"`).join(', ')}`);
  return value as T;
}

function positiveInteger(flag: string, value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new UsageError(`--${flag} wants a whole number ≥ 1, got "${value}"`);
  return Number(value);
}

function positiveNumber(flag: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new UsageError(`--${flag} wants a number > 0, got "${value}"`);
  return n;
}

function nonEmpty(flag: string, value: string): string {
  if (value === '') throw new UsageError(`--${flag} wants a value`);
  return value;
}

function envPairs(value: string): Record<string, string> {
  return Object.fromEntries(
    value.split(',').map((pair) => {
      const at = pair.indexOf('=');
      if (at < 1) throw new UsageError(`--env wants KEY=VALUE pairs, got "${pair}"`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
}

/** The bench's command line (the arguments after `npm run bench --`); throws UsageError on bad input. */
export function parseOptions(argv: string[]): BenchOptions {
  const v = parse(argv);
  const quick = Boolean(v.quick);
  const workloads = v.workloads === undefined ? undefined : list('workloads', v.workloads);
  workloads?.forEach((name) => oneOf('workloads', name, WORKLOAD_NAMES));
  const legacyComplete = Boolean(v['legacy-complete']);
  return {
    argv: [...argv],
    help: Boolean(v.help),
    quick,
    redraw: Boolean(v.redraw),
    serve: Boolean(v.serve),
    variants: v.only === undefined ? [...VARIANTS] : list('only', v.only).map((x) => oneOf('only', x, VARIANTS)),
    pin: v.pin === undefined ? 'split' : oneOf('pin', v.pin, ['split', 'none'] as const),
    streams: !v['no-streams'],
    streamCounts:
      v.streams === undefined
        ? quick
          ? [500]
          : [1000, 5000, 10000]
        : list('streams', v.streams).map((x) => positiveInteger('streams', x)),
    heapSnapshot: !quick && !v['no-heap-snapshot'],
    profile: Boolean(v.profile) || (!v['no-profile'] && !quick),
    steps: Boolean(v.steps),
    workloads,
    serverEnv: v.env === undefined ? {} : envPairs(v.env),
    legacyComplete,
    burstSize: v.burst === undefined ? 100 : positiveInteger('burst', v.burst),
    openRate: v['open-rate'] === undefined ? undefined : positiveNumber('open-rate', v['open-rate']),
    openArrivals:
      v['open-arrivals'] === undefined
        ? 'poisson'
        : oneOf('open-arrivals', v['open-arrivals'], ['poisson', 'even'] as const),
    distRoot: v.dist === undefined ? ROOT : nonEmpty('dist', v.dist),
    label: v.label === undefined ? undefined : nonEmpty('label', v.label),
    partial:
      v.only !== undefined ||
      workloads !== undefined ||
      v.streams !== undefined ||
      Boolean(v['no-streams']) ||
      v.env !== undefined ||
      v.burst !== undefined ||
      v['open-rate'] !== undefined ||
      v['open-arrivals'] !== undefined ||
      legacyComplete,
  };
}
