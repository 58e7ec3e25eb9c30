import fs from 'node:fs';
import path from 'node:path';
import { cdfChartSvg, type Panel } from './chart';
import type { ProfileSummary } from './cpu-profile';
import type { Variant } from './flows';
import { fmt, pct } from './format';
import { log } from './log';
import type { BenchOptions } from './options';
import { attributionTable } from './redis-attribution';
import {
  isClosed,
  type BenchResults,
  type ScenarioResult,
  type StepCost,
  type StreamCapacityResult,
  type StreamHeap,
} from './results';
import { CHART, DOC, RESULTS, ROOT } from './settings';
import { issue13Targets, targetTable } from './targets';

/** The tables (markdown), the chart (SVG) and the results files of a run. */

function table(scenarios: ScenarioResult[]): string {
  const rows = [
    '| workload | variant | logins/s | callback p50 / p99 ms | callback → signed in p50 / p99 ms | status delivery p50 / p99 ms | HTTP req/login | Redis cmds/login | SQL stmts/login | API (or inline) event-loop p99 ms | goodput | other load (cores) |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const s of scenarios.filter((x) => !x.profiled && isClosed(x))) {
    const eld = s.eventLoopDelayMs.api ?? s.eventLoopDelayMs.inline;
    rows.push(
      `| ${s.workload} | ${s.variant} | ${fmt(s.loginsPerSecond)} | ${fmt(s.callbackMs?.p50)} / ${fmt(s.callbackMs?.p99)} | ` +
        `${fmt(s.callbackToSignedInMs?.p50)} / ${fmt(s.callbackToSignedInMs?.p99)} | ` +
        `${s.variant === 'inline' ? 'n/a (in the callback)' : `${fmt(s.statusDeliveryMs?.p50)} / ${fmt(s.statusDeliveryMs?.p99)}`} | ` +
        `${fmt(s.httpRequestsPerLogin.total)} | ${fmt(s.redisCommandsPerLogin)} | ${fmt(s.sqlStatementsPerLogin.Questions)} | ${fmt(eld?.p99)} | ${pct(s.goodput)} | ${fmt(s.otherLoadCores, 2)} |`,
    );
  }
  return rows.join('\n');
}

/** The burst and the open loop: arrivals that do not wait for the servers. */
function arrivalTable(scenarios: ScenarioResult[]): string {
  const rows = [
    '| scenario | variant | arrivals | logins/s offered / signed in | signed in from start p50 / p99 ms | callback p50 / p99 ms | callback → signed in p50 / p99 ms | status delivery p50 / p99 ms | max in flight | API req/login | goodput |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const s of scenarios.filter((x) => !isClosed(x))) {
    const arrivals =
      s.arrival.kind === 'burst'
        ? `${s.arrival.count} at once`
        : s.arrival.kind === 'open'
          ? `${s.arrival.process}, ${fmt(s.arrival.ratePerSecond)}/s (lag p99 ${fmt(s.arrivalLagMs?.p99)} ms)`
          : 'closed';
    rows.push(
      `| ${s.workload} | ${s.variant} | ${arrivals} | ${fmt(s.offeredRatePerSecond)} / ${fmt(s.loginsPerSecond)} | ` +
        `${fmt(s.flowMs?.p50)} / ${fmt(s.flowMs?.p99)} | ${fmt(s.callbackMs?.p50)} / ${fmt(s.callbackMs?.p99)} | ` +
        `${fmt(s.callbackToSignedInMs?.p50)} / ${fmt(s.callbackToSignedInMs?.p99)} | ` +
        `${s.variant === 'inline' ? 'n/a' : `${fmt(s.statusDeliveryMs?.p50)} / ${fmt(s.statusDeliveryMs?.p99)}`} | ` +
        `${s.maxInFlight ?? '—'} | ${fmt(s.httpRequestsPerLogin.api)} | ${pct(s.goodput)} |`,
    );
  }
  return rows.join('\n');
}

function cpuTable(scenarios: ScenarioResult[]): string {
  const names = ['api', 'worker', 'inline', 'emulator', 'load', 'mariadb', 'redis'];
  const rows = [
    `| workload | variant | ${names.join(' | ')} | total servers (api+worker or inline, mariadb, redis) |`,
    `| --- | --- | ${names.map(() => '---:').join(' | ')} | ---: |`,
  ];
  for (const s of scenarios.filter((x) => !x.profiled && x.failureRate === 0)) {
    const c = s.cpuMsPerLogin;
    const total = (c.api ?? 0) + (c.worker ?? 0) + (c.inline ?? 0) + (c.mariadb ?? 0) + (c.redis ?? 0);
    rows.push(`| ${s.workload} | ${s.variant} | ${names.map((n) => fmt(c[n], 2)).join(' | ')} | ${fmt(total, 2)} |`);
  }
  return rows.join('\n');
}

function streamTable(streams: StreamCapacityResult[]): string {
  const rows = [
    '| open streams | opened in | failed to open | received the event | delivery p50 / p99 / max ms | API RSS before → open MiB | RSS per stream KiB | heap per stream KiB | API event-loop max during fan-out ms | API CPU while idle-open | SQL/s while idle-open |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const s of streams) {
    if (s.error) {
      rows.push(`| ${s.streams} | — | — | not measured: ${s.error.replace(/\|/g, '\\|')} | | | | | | | |`);
      continue;
    }
    rows.push(
      `| ${s.streams} | ${(s.openMs / 1000).toFixed(1)} s | ${s.failedToOpen ?? 0}${s.firstOpenFailure ? ` (${s.firstOpenFailure.split('\r')[0]})` : ''} | ${s.received}/${s.opened} | ${fmt(s.deliveryMs?.p50)} / ${fmt(s.deliveryMs?.p99)} / ${fmt(s.deliveryMs?.max)} | ` +
        `${fmt(s.rssBeforeKiB / 1024)} → ${fmt(s.rssOpenKiB / 1024)} | ${fmt(s.rssPerStreamKiB)} | ${fmt(s.heapUsedPerStreamKiB)} | ${fmt(s.apiEventLoopDelayMs.max)} | ${Math.round(s.apiCpuUtilisationWhileOpen * 100)} % | ${s.mariadbStatementsPerSecondWhileOpen} |`,
    );
  }
  return rows.join('\n');
}

function stepTable(steps: StepCost[]): string {
  const rows = [
    '| variant | step | API / inline CPU ms | worker CPU ms | Redis commands (top) | SQL statements | wall ms |',
    '| --- | --- | ---: | ---: | --- | ---: | ---: |',
  ];
  const totals = new Map<string, { app: number; worker: number; redis: number; sql: number; wall: number }>();
  for (const s of steps) {
    const app = s.cpuMs.api ?? s.cpuMs.inline ?? 0;
    const worker = s.cpuMs.worker;
    const top = Object.entries(s.redisTop)
      .filter(([, v]) => v >= 0.5)
      .map(([k, v]) => `${k} ${fmt(v)}`)
      .join(', ');
    rows.push(
      `| ${s.variant} | ${s.step} | ${fmt(app, 2)} | ${fmt(worker, 2)} | ${fmt(s.redisCommands)}${top ? ` (${top})` : ''} | ${fmt(s.sqlStatements)} | ${fmt(s.wallMs)} |`,
    );
    if (s.step.startsWith('idle')) continue;
    const t = totals.get(s.variant) ?? { app: 0, worker: 0, redis: 0, sql: 0, wall: 0 };
    t.app += app;
    t.worker += worker ?? 0;
    t.redis += s.redisCommands;
    t.sql += s.sqlStatements;
    t.wall += s.wallMs;
    totals.set(s.variant, t);
  }
  for (const [variant, t] of totals) {
    rows.push(
      `| **${variant}** | **one login (without idle)** | **${fmt(t.app, 2)}** | **${variant === 'inline' ? '—' : fmt(t.worker, 2)}** | **${fmt(t.redis)}** | **${fmt(t.sql)}** | **${fmt(t.wall)}** |`,
    );
  }
  return rows.join('\n');
}

function heapTable(h: StreamHeap): string {
  const rows = [
    `What one open stream adds to the API's heap (${h.streams} streams; heap snapshots before and after, after a full GC; ${h.totalBytesPerUnit} bytes per stream in all):`,
    '',
    '| object (constructor) | per stream | bytes per stream |',
    '| --- | ---: | ---: |',
  ];
  for (const r of h.top.slice(0, 18))
    rows.push(`| \`${r.name.replace(/\|/g, '\\|')}\` | ${r.countPerUnit} | ${r.bytesPerUnit} |`);
  return rows.join('\n');
}

function profileTable(summaries: ProfileSummary[]): string {
  const out: string[] = [];
  for (const p of summaries) {
    out.push(`**${p.file}** — ${fmt(p.busyMs / 1000)} s busy of ${fmt(p.wallMs / 1000)} s sampled`);
    out.push('');
    out.push('| self time by package | share |', '| --- | ---: |');
    for (const e of p.byPackage.slice(0, 10)) out.push(`| ${e.name} | ${e.share} % |`);
    out.push('');
    out.push('| top functions (self time) | where | share |', '| --- | --- | ---: |');
    for (const e of p.byFunction.slice(0, 12))
      out.push(`| \`${e.name}\` | ${e.where.replace(/\|/g, '\\|')} | ${e.share} % |`);
    out.push('');
  }
  return out.join('\n');
}

const COLORS: Record<Variant, string> = { sse: '#2563eb', poll: '#ea580c', inline: '#16a34a' };

function chart(scenarios: ScenarioResult[]): string {
  const pick = (workload: string) => scenarios.filter((s) => s.workload === workload && !s.profiled);
  const series = (
    workload: string,
    key: keyof ScenarioResult['cdf'],
    variants: Variant[] = ['sse', 'poll', 'inline'],
  ) =>
    pick(workload)
      .filter((s) => variants.includes(s.variant))
      .map((s) => ({ label: s.variant, color: COLORS[s.variant], points: s.cdf[key] }));
  const has = (w: string) => scenarios.some((s) => s.workload === w);
  const first = scenarios[0]?.workload ?? '';
  const fastLight = has('0ms/10') ? '0ms/10' : first;
  const realLight = has('real/10') ? 'real/10' : first;
  const realBusy = has('real/100') ? 'real/100' : first;
  const REAL = 'emulator median 300 ms / p99 2 s';
  const panels: Panel[] = [
    {
      title: 'Callback → signed in',
      subtitle: `emulator 0 ms, 10 in flight (${fastLight})`,
      series: series(fastLight, 'callbackToSignedInMs'),
    },
    {
      title: 'Callback → signed in',
      subtitle: `${REAL}, 10 in flight (${realLight})`,
      series: series(realLight, 'callbackToSignedInMs'),
    },
    {
      title: 'Callback → signed in',
      subtitle: `${REAL}, 100 in flight (${realBusy})`,
      series: series(realBusy, 'callbackToSignedInMs'),
    },
    {
      title: 'Callback response time',
      subtitle: `${REAL}, 10 in flight (${realLight})`,
      series: series(realLight, 'callbackMs'),
    },
    {
      title: 'Callback response time',
      subtitle: `${REAL}, 100 in flight (${realBusy})`,
      series: series(realBusy, 'callbackMs'),
    },
    {
      title: 'Status delivery (commit → browser)',
      subtitle: `${REAL}, 10 in flight (${realLight})`,
      series: series(realLight, 'statusDeliveryMs', ['sse', 'poll']),
    },
  ];
  return cdfChartSvg(
    'Login latency per variant (CDF, log-scale time; servers on one core, see docs/BENCHMARKS.md)',
    panels,
    3,
  );
}

function generatedSection(results: BenchResults, burstSize: number): string {
  const m = results.machine;
  return [
    `_Generated by \`${results.command}\` on ${results.date} (${results.durationS} s). Raw figures: [bench/results/latest.json](../bench/results/latest.json)._`,
    '',
    `Machine: ${m.info.cores} × ${m.info.cpuModel}, ${m.info.memoryGiB} GiB; Node ${m.info.node}, MariaDB ${m.versions.mariadb}, Redis ${m.versions.redis}; ` +
      `load average ${m.start.loadavg.split(' ').slice(0, 3).join(' ')} at start, ${m.end.loadavg.split(' ').slice(0, 3).join(' ')} at end; ` +
      `pinning: ${results.pinning}; commit ${results.git.commit}${results.git.dirty ? ' (working tree with uncommitted changes)' : ''}` +
      `${results.legacyComplete ? '; servers on the contract before issue 13 (POST /api/auth/complete after ok, --legacy-complete)' : ''}.`,
    '',
    '### Issue 13 targets',
    '',
    targetTable(issue13Targets(results, burstSize)),
    '',
    '### Logins',
    '',
    table(results.scenarios),
    '',
    ...(results.scenarios.some((s) => !isClosed(s))
      ? ['### Burst and open loop (arrivals that do not wait for the servers)', '', arrivalTable(results.scenarios), '']
      : []),
    '### CPU per login (ms of CPU time, from /proc/<pid>/stat)',
    '',
    cpuTable(results.scenarios),
    '',
    ...(results.steps.length
      ? [
          '### Where one login goes (logins one at a time, emulator 0 ms)',
          '',
          stepTable(results.steps),
          '',
          ...(results.unloadedStatusDeliveryMs
            ? [
                `Status delivery of these one-at-a-time sse logins (nothing else running): p50 ${fmt(results.unloadedStatusDeliveryMs.p50)} ms, p99 ${fmt(results.unloadedStatusDeliveryMs.p99)} ms, max ${fmt(results.unloadedStatusDeliveryMs.max)} ms (n = ${results.unloadedStatusDeliveryMs.n}).`,
                '',
              ]
            : []),
          ...(results.redisAttribution ? [attributionTable(results.redisAttribution), ''] : []),
        ]
      : []),
    ...(results.streams.length
      ? [
          '### Stream capacity (one API process)',
          '',
          streamTable(results.streams),
          '',
          ...(results.streamHeap ? [heapTable(results.streamHeap), ''] : []),
        ]
      : []),
    ...(results.profiles.length ? ['### CPU profiles (self time)', '', profileTable(results.profiles)] : []),
    ...(results.errors.length
      ? ['### Problems during the run', '', ...results.errors.map((e) => `- ${e.split('\n')[0]}`), '']
      : []),
  ].join('\n');
}

/** Indented JSON, with the [ms, share] pairs of the CDFs kept on one line each. */
function toJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/\[\s+(-?[\d.e+-]+),\s+(-?[\d.e+-]+)\s+\]/g, '[$1, $2]') + '\n';
}

/** Writes the chart and the generated part of docs/BENCHMARKS.md from a results file. */
export function publish(results: BenchResults, burstSize: number): void {
  fs.writeFileSync(CHART, chart(results.scenarios));
  if (!fs.existsSync(DOC)) return;
  const doc = fs.readFileSync(DOC, 'utf8');
  const startMark = '<!-- bench:generated:start -->';
  const endMark = '<!-- bench:generated:end -->';
  const i = doc.indexOf(startMark);
  const j = doc.indexOf(endMark);
  if (i >= 0 && j > i) {
    fs.writeFileSync(
      DOC,
      doc.slice(0, i + startMark.length) + '\n' + generatedSection(results, burstSize) + '\n' + doc.slice(j),
    );
  }
}

/** The tables on stdout, issue 13's targets last. */
export function printReport(results: BenchResults): void {
  const { scenarios, steps, streams, redisAttribution, unloadedStatusDeliveryMs: unloaded } = results;
  console.log('\n' + table(scenarios) + '\n');
  if (scenarios.some((s) => !isClosed(s))) console.log(arrivalTable(scenarios) + '\n');
  console.log(cpuTable(scenarios) + '\n');
  if (steps.length) console.log(stepTable(steps) + '\n');
  if (unloaded)
    console.log(
      `Status delivery, logins one at a time: p50 ${fmt(unloaded.p50)} ms, p99 ${fmt(unloaded.p99)} ms (n = ${unloaded.n})\n`,
    );
  if (redisAttribution) console.log(attributionTable(redisAttribution) + '\n');
  if (streams.length) console.log(streamTable(streams) + '\n');
  console.log(
    `Issue 13 targets${results.quick ? ' (quick run: short windows, few samples, 500 streams; indicative only)' : ''}\n\n${targetTable(results.issue13Targets ?? [])}\n`,
  );
}

/**
 * bench/results/<name>.json. Only the whole matrix replaces the published results
 * (latest.json, a dated copy, the chart and the doc's tables); a quick run, a
 * partial one or another build's is kept beside them.
 */
export function writeResults(
  results: BenchResults,
  options: Pick<BenchOptions, 'quick' | 'partial' | 'distRoot' | 'label' | 'burstSize'>,
): void {
  fs.mkdirSync(RESULTS, { recursive: true });
  const alternative = options.distRoot !== ROOT || options.label !== undefined;
  const partial = options.quick || options.partial;
  const name = alternative
    ? `${options.label ?? 'alternative'}.json`
    : options.quick
      ? 'quick.json'
      : options.partial
        ? 'partial.json'
        : 'latest.json';
  fs.writeFileSync(path.join(RESULTS, name), toJson(results));
  if (!partial && !alternative) {
    fs.writeFileSync(path.join(RESULTS, `${results.date.slice(0, 10)}.json`), toJson(results));
    publish(results, options.burstSize);
    log(
      `wrote bench/results/latest.json, bench/results/${results.date.slice(0, 10)}.json, docs/benchmarks-latency.svg`,
    );
  } else {
    log(`wrote bench/results/${name}`);
  }
}
