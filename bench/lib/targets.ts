import type { Variant } from './flows';
import { fmt } from './format';
import type { BenchResults, TargetRow } from './results';
import { TARGET_WORKLOAD } from './workloads';

/**
 * Issue 13's targets, from a results file (so --redraw can rebuild them). The
 * ratios and per-login counts come from the 0 ms / 100 closed loop of the same
 * run (in --quick its short version), the rest from their own scenarios.
 * `burstSize` names the burst when the run had none.
 */
export function issue13Targets(results: BenchResults, burstSize: number): TargetRow[] {
  const scenarios = results.scenarios.filter((s) => !s.profiled);
  const find = (workload: string, variant: Variant) =>
    scenarios.find((s) => s.workload === workload && s.variant === variant);
  const where = `${TARGET_WORKLOAD}${results.quick ? ', quick' : ''}`;
  const sse = find(TARGET_WORKLOAD, 'sse');
  const inline = find(TARGET_WORKLOAD, 'inline');
  const rows: TargetRow[] = [];
  const row = (
    figure: string,
    target: string,
    value: number | undefined,
    measured: (v: number) => string,
    meets: (v: number) => boolean | null,
  ) => {
    const ok = value !== undefined && Number.isFinite(value);
    rows.push({
      figure,
      target,
      value: ok ? value : undefined,
      measured: ok ? measured(value) : 'not measured',
      met: ok ? meets(value) : null,
    });
  };
  const ratio = (a?: number, b?: number) => (a !== undefined && b ? a / b : undefined);
  const x = (v: number) => `${v.toFixed(2)}×`;

  row(
    `sse logins/s ÷ inline logins/s (${where})`,
    '≥ 0.5×',
    ratio(sse?.loginsPerSecond, inline?.loginsPerSecond),
    (v) => `${fmt(sse!.loginsPerSecond)} ÷ ${fmt(inline!.loginsPerSecond)} = **${x(v)}**`,
    (v) => v >= 0.5,
  );
  const sseCpu = sse ? (sse.cpuMsPerLogin.api ?? NaN) + (sse.cpuMsPerLogin.worker ?? NaN) : undefined;
  row(
    `API + worker CPU per sse login ÷ inline's (${where})`,
    '≤ 2.5×',
    ratio(sseCpu, inline?.cpuMsPerLogin.inline),
    (v) => `${fmt(sseCpu, 2)} ÷ ${fmt(inline!.cpuMsPerLogin.inline, 2)} ms = **${x(v)}**`,
    (v) => v <= 2.5,
  );
  row(
    `API requests per sse login, the stream included (${where})`,
    '≤ 4',
    sse?.httpRequestsPerLogin.api,
    (v) => `**${fmt(v)}** (inline ${fmt(inline?.httpRequestsPerLogin.api)})`,
    (v) => v <= 4,
  );
  row(
    `SQL statements per sse login (${where})`,
    '≤ 6',
    sse?.sqlStatementsPerLogin.Questions,
    (v) => `**${fmt(v)}** (inline ${fmt(inline?.sqlStatementsPerLogin.Questions)})`,
    (v) => v <= 6,
  );
  row(
    `Redis commands per sse login, Bull's scripts counted (${where})`,
    '≤ 30',
    sse?.redisCommandsPerLogin,
    (v) => `**${fmt(v)}** (inline ${fmt(inline?.redisCommandsPerLogin)})`,
    (v) => v <= 30,
  );

  const burstSse = scenarios.find((s) => s.arrival?.kind === 'burst' && s.variant === 'sse');
  const burstInline = scenarios.find((s) => s.arrival?.kind === 'burst' && s.variant === 'inline');
  const burst = burstSse ?? burstInline;
  const burstCount = burst?.arrival.kind === 'burst' ? burst.arrival.count : burstSize;
  const burstLatency =
    burst?.emulatorLatency && 'fixedMs' in burst.emulatorLatency ? burst.emulatorLatency.fixedMs : 300;
  row(
    `${burstCount} logins at once, Facebook ${burstLatency} ms per call: signed-in p99 (from the start of the login), sse ÷ inline`,
    '≤ 1.2×',
    ratio(burstSse?.flowMs?.p99, burstInline?.flowMs?.p99),
    (v) => `${fmt(burstSse!.flowMs!.p99)} ÷ ${fmt(burstInline!.flowMs!.p99)} ms = **${x(v)}**`,
    (v) => v <= 1.2,
  );

  const open = scenarios.find((s) => s.arrival?.kind === 'open' && s.variant === 'sse');
  row(
    `Callback p99, sse open loop at ${open ? `${fmt(open.arrival.kind === 'open' ? open.arrival.ratePerSecond : NaN)} logins/s (${open.note ?? 'fixed rate'})` : 'half the measured maximum'}`,
    '< 20 ms',
    open?.callbackMs?.p99,
    (v) => `**${fmt(v)} ms** (p50 ${fmt(open!.callbackMs!.p50)}, n = ${open!.callbackMs!.n})`,
    (v) => v < 20,
  );

  const d = results.unloadedStatusDeliveryMs;
  row(
    `Status delivery p99, one login at a time${d ? ` (n = ${d.n})` : ''}`,
    '< 10 ms',
    d?.p99,
    (v) => `**${fmt(v)} ms** (p50 ${fmt(d!.p50)})`,
    (v) => v < 10,
  );

  const measured = results.streams.filter((r) => !r.error && Number.isFinite(r.rssPerStreamKiB));
  const at = measured.find((r) => r.streams === 10000) ?? measured.sort((a, b) => b.streams - a.streams)[0];
  row(
    `RSS per open stream, ${at ? `${at.streams.toLocaleString('en-US')} streams${at.streams === 10000 ? '' : ' (the target is at 10,000)'}` : '10,000 streams'}`,
    '≤ 30 KiB',
    at?.rssPerStreamKiB,
    // RSS can fall while a few hundred streams open (the GC returning pages): then it says nothing.
    (v) =>
      `**${fmt(v)} KiB** (heap ${fmt(at.heapUsedPerStreamKiB)} KiB)${v <= 0 ? '; RSS fell while they opened (GC), no figure' : ''}`,
    (v) => (v <= 0 ? null : v <= 30),
  );
  return rows;
}

export function targetTable(rows: TargetRow[]): string {
  const out = ['| figure | measured | target | met? |', '| --- | --- | --- | --- |'];
  for (const r of rows)
    out.push(`| ${r.figure} | ${r.measured} | ${r.target} | ${r.met === null ? '—' : r.met ? 'yes' : '**no**'} |`);
  return out.join('\n');
}
