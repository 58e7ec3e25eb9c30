/**
 * `npm run bench` (full, ~15 min) and `npm run bench -- --quick` (~1 min smoke);
 * `npm run bench -- --help` lists the options (bench/lib/options.ts).
 *
 * Runs, in one invocation and against one emulator, one MariaDB and one Redis:
 *   sse    — the built API + worker; the client follows the event stream;
 *   poll   — the same servers; the client polls GET /api/auth/operation every 1 s;
 *   inline — bench/inline: passport-facebook's exchange inside the callback.
 * Workloads (bench/lib/workloads.ts): emulator at 0 ms and at {median 300 ms, p99 2 s};
 * 10/100/500 logins in flight (closed loop, fixed duration); 20 % Facebook 5xx for
 * goodput; a burst (100 logins at once, Facebook at a fixed 300 ms per call); an open
 * loop (logins arriving at half of sse's measured 0 ms / 100 rate); logins one at a
 * time; and the stream capacity of one API process (1k/5k/10k open streams). Ends with
 * issue 13's targets (figure | measured | target | met?).
 *
 * Prints the tables, writes bench/results/latest.json (+ a dated copy), draws
 * docs/benchmarks-latency.svg and refreshes the generated part of docs/BENCHMARKS.md.
 * Build first: `npm run build`. Nothing here builds.
 *
 * This file only strings the parts together: options (lib/options.ts), the stack of
 * processes (lib/stack.ts), the scenarios (lib/scenarios/), the report (lib/report.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { log } from './lib/log';
import { USAGE, UsageError, parseOptions, type BenchOptions } from './lib/options';
import { killAllNow, stopAll } from './lib/processes';
import { printReport, publish, writeResults } from './lib/report';
import type { BenchResults } from './lib/results';
import { runScenarios } from './lib/scenarios';
import { LOGS, RESULTS, ROOT } from './lib/settings';
import { boot, cleanup, describeStack, serverFacts } from './lib/stack';
import { machineInfo, machineSnapshot, sh } from './lib/system';
import { issue13Targets } from './lib/targets';

const PINNING_SPLIT =
  'API, worker and inline app on CPU 0 (taskset -c 0); load generator and emulator on CPU 1 (taskset -c 1); MariaDB and Redis (shared system services) not pinned';

async function main(options: BenchOptions): Promise<void> {
  if (options.redraw) {
    // Only the chart and the doc's generated section, from bench/results/latest.json.
    publish(JSON.parse(fs.readFileSync(path.join(RESULTS, 'latest.json'), 'utf8')) as BenchResults, options.burstSize);
    log('redrew docs/benchmarks-latency.svg and the generated part of docs/BENCHMARKS.md');
    return;
  }
  const began = Date.now();
  for (const app of ['api', 'worker', 'facebook-emulator']) {
    const root = app === 'facebook-emulator' ? ROOT : options.distRoot;
    if (!fs.existsSync(path.join(root, 'dist', 'apps', app, 'main.js'))) {
      console.error(`dist/apps/${app}/main.js is missing: run \`npm run build\` first.`);
      process.exit(2);
    }
  }
  const start = machineSnapshot();
  log(`machine: ${start.nproc} cores; load average ${start.loadavg}`);
  const stack = await boot(options);
  if (options.serve) {
    // Investigation mode: keep the stack up until Ctrl+C.
    console.log(describeStack(stack));
    await new Promise(() => undefined);
  }
  const facts = await serverFacts(stack, options.quick);
  const measured = await runScenarios(stack, options);

  await stopAll();
  const end = machineSnapshot();
  const { argv, quick, distRoot, label } = options;
  const results: BenchResults = {
    command: `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`,
    date: new Date().toISOString(),
    durationS: Math.round((Date.now() - began) / 1000),
    quick,
    pinning: options.pin === 'split' ? PINNING_SPLIT : 'none',
    git: { commit: sh('git rev-parse --short HEAD'), dirty: sh('git status --porcelain') !== '' },
    servers: distRoot === ROOT ? 'this checkout' : `${distRoot} (${label ?? 'alternative build'})`,
    legacyComplete: options.legacyComplete || undefined,
    machine: {
      info: machineInfo(),
      versions: facts.versions,
      start,
      end,
      redisBackgroundCommandsPerSecond: facts.redisBackgroundCommandsPerSecond,
      redisClientsAtStart: facts.redisClientsAtStart,
    },
    scenarios: measured.scenarios,
    streams: measured.streams,
    profiles: measured.profiles,
    steps: measured.steps,
    unloadedStatusDeliveryMs: measured.unloadedDelivery,
    redisAttribution: measured.redisAttribution,
    streamHeap: measured.streamHeap,
    errors: measured.errors,
  };
  results.issue13Targets = issue13Targets(results, options.burstSize);
  printReport(results);
  writeResults(results, options);

  const silent = measured.closedWorkloads
    ? options.variants.filter((v) => !measured.scenarios.some((s) => s.variant === v && s.signedIn > 0))
    : [];
  if (silent.length) {
    console.error(`No login completed for: ${silent.join(', ')}`);
    process.exitCode = 1;
  }
}

let options: BenchOptions;
try {
  options = parseOptions(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`bench: ${error.message}\n\n${USAGE}`);
  process.exit(2);
}
if (options.help) {
  console.log(USAGE);
  process.exit(0);
}

process.on('exit', killAllNow);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    log(`${signal}: cleaning up`);
    process.exitCode = 130;
    void cleanup().finally(() => process.exit(130));
  });
}

main(options)
  .catch((error: unknown) => {
    console.error((error as Error).stack ?? String(error));
    console.error(`every process's output is in ${path.relative(ROOT, LOGS)}/`);
    process.exitCode = 1;
  })
  .finally(() => cleanup().then(() => process.exit(process.exitCode ?? 0)));
