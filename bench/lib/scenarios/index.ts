import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { summarizeCpuProfile, type ProfileSummary } from '../cpu-profile';
import type { Variant } from '../flows';
import { fmt, pct } from '../format';
import { log } from '../log';
import type { BenchOptions } from '../options';
import { attributeRedisCommands, type RedisAttribution } from '../redis-attribution';
import { isClosed, type ScenarioResult, type StepCost, type StreamCapacityResult, type StreamHeap } from '../results';
import { PROFILES, REDIS_PREFIX } from '../settings';
import { repin, type Stack } from '../stack';
import type { Summary } from '../stats';
import {
  FALLBACK_OPEN_RATE,
  FULL_WORKLOADS,
  QUICK_WORKLOADS,
  TARGET_WORKLOAD,
  burstWorkload,
  openLoop,
  type Workload,
} from '../workloads';
import { runScenario } from './logins';
import { loginsOneAtATime, stepCosts } from './step-costs';
import { streamCapacity } from './stream-capacity';

/** Everything one run measured (what goes into the results file besides the machine and the command). */
export interface Measured {
  /** How many closed-loop workloads were picked (none: no variant is expected to sign anybody in). */
  closedWorkloads: number;
  scenarios: ScenarioResult[];
  streams: StreamCapacityResult[];
  profiles: ProfileSummary[];
  steps: StepCost[];
  unloadedDelivery: Summary | null;
  redisAttribution: RedisAttribution | null;
  streamHeap?: StreamHeap;
  /** Problems met along the way (a phase that failed is reported, the rest still runs). */
  errors: string[];
}

/**
 * The matrix, in order: the closed loops, the burst and the open loop, the
 * one-at-a-time step costs and the Redis attribution, the unpinned case, the
 * CPU profiles, then the stream capacity of one API process.
 */
export async function runScenarios(stack: Stack, options: BenchOptions): Promise<Measured> {
  const { quick, variants, workloads: filter } = options;
  const errors: string[] = [];
  const scenarios: ScenarioResult[] = [];
  const workloads = (quick ? QUICK_WORKLOADS : FULL_WORKLOADS).filter((w) => !filter || filter.includes(w.name));
  for (const workload of workloads) {
    for (const variant of variants) {
      log(`${workload.name} ${variant}: ${workload.concurrency} in flight for ${workload.durationMs / 1000} s`);
      let r: ScenarioResult;
      try {
        r = await runScenario(stack, options, workload, variant);
      } catch (error) {
        errors.push(`${workload.name} ${variant}: ${(error as Error).message}`);
        log(`  failed: ${(error as Error).message.split('\n')[0]}`);
        continue;
      }
      scenarios.push(r);
      log(
        `  ${fmt(r.loginsPerSecond)} logins/s; callback p99 ${fmt(r.callbackMs?.p99)} ms; callback→signed in p50 ${fmt(r.callbackToSignedInMs?.p50)} / p99 ${fmt(r.callbackToSignedInMs?.p99)} ms; ` +
          `delivery p99 ${fmt(r.statusDeliveryMs?.p99)} ms; goodput ${pct(r.goodput)}; Redis ${fmt(r.redisCommandsPerLogin)} cmds/login` +
          (Object.keys(r.failures).length ? `; failures ${JSON.stringify(r.failures)}` : ''),
      );
      await sleep(1000);
    }
  }

  // Issue 13's two scenarios whose logins do not wait for the servers to be ready for them.
  const wanted = (name: string) => !filter || filter.includes(name);
  const arrivalRun = async (workload: Workload, variant: Variant, note?: string) => {
    try {
      const r = await runScenario(stack, options, workload, variant);
      scenarios.push(note ? { ...r, note } : r);
      log(
        `  signed in from start p50 ${fmt(r.flowMs?.p50)} / p99 ${fmt(r.flowMs?.p99)} ms; callback p50 ${fmt(r.callbackMs?.p50)} / p99 ${fmt(r.callbackMs?.p99)} ms; ` +
          `${fmt(r.loginsPerSecond)} logins/s; max in flight ${r.maxInFlight}; goodput ${pct(r.goodput)}` +
          (Object.keys(r.failures).length ? `; failures ${JSON.stringify(r.failures)}` : ''),
      );
    } catch (error) {
      errors.push(`${workload.name} ${variant}: ${(error as Error).message}`);
      log(`  failed: ${(error as Error).message.split('\n')[0]}`);
    }
    await sleep(1000);
  };
  if (wanted('burst')) {
    const burst = burstWorkload(options.burstSize);
    for (const variant of variants.filter((v) => v !== 'poll')) {
      log(`${burst.name} ${variant}: ${options.burstSize} logins at once, Facebook at a fixed 300 ms per call`);
      await arrivalRun(burst, variant);
    }
  }
  if (wanted('open') && variants.includes('sse')) {
    // Half of what the same servers did flat out in this run (0 ms / 100, closed loop).
    const max = scenarios.find(
      (s) => s.workload === TARGET_WORKLOAD && s.variant === 'sse' && isClosed(s) && s.loginsPerSecond > 0,
    );
    const rate = options.openRate ?? (max ? Math.round(max.loginsPerSecond * 5) / 10 : FALLBACK_OPEN_RATE);
    const note =
      options.openRate !== undefined
        ? 'set by --open-rate'
        : max
          ? `half of sse's ${fmt(max.loginsPerSecond)} logins/s at ${TARGET_WORKLOAD}${quick ? ' in this quick run' : ''}`
          : `fixed: no sse ${TARGET_WORKLOAD} figure in this run`;
    const workload = openLoop(rate, options.openArrivals, quick);
    log(
      `${workload.name} sse: ${options.openArrivals} arrivals at ${fmt(rate)}/s (${note}) for ${workload.durationMs / 1000} s`,
    );
    await arrivalRun(workload, 'sse', note);
  }

  const steps: StepCost[] = [];
  let unloadedDelivery: Summary | null = null;
  let redisAttribution: RedisAttribution | null = null;
  if (!filter || options.steps) {
    // The quick run does a few, for the one-at-a-time delivery figure and the per-step table.
    const n = quick ? 20 : 150;
    for (const variant of ['sse', 'inline'] as const) {
      if (!variants.includes(variant)) continue;
      log(`cost per step: ${variant}, ${n} logins one at a time`);
      try {
        const costs = await stepCosts(stack, options, variant, n);
        steps.push(...costs.steps);
        if (costs.unloadedDelivery !== undefined) unloadedDelivery = costs.unloadedDelivery;
      } catch (error) {
        errors.push(`cost per step ${variant}: ${(error as Error).message}`);
        log(`  failed: ${(error as Error).message.split('\n')[0]}`);
      }
    }
    if (variants.includes('sse')) {
      // After the step costs: MONITOR slows Redis, and it is off again before anything else is timed.
      const logins = quick ? 5 : 20;
      log(`Redis commands by owner: ${logins} sse logins one at a time, under MONITOR`);
      try {
        redisAttribution = await attributeRedisCommands(stack.redis, REDIS_PREFIX, logins, () =>
          loginsOneAtATime(stack, logins, options.legacyComplete),
        );
      } catch (error) {
        errors.push(`Redis attribution: ${(error as Error).message}`);
        log(`  failed: ${(error as Error).message.split('\n')[0]}`);
      }
    }
    const pinned = stack.cpus.servers;
    if (pinned && !filter && !quick) {
      // The same case with the servers free to use both cores (shared with the load generator, the emulator, MariaDB and Redis).
      const workload: Workload = { ...FULL_WORKLOADS[1], name: '0ms/100 unpinned' };
      for (const variant of variants.filter((v) => v !== 'poll')) {
        log(`${workload.name} ${variant}: servers on both cores`);
        const servers = variant === 'inline' ? [stack.inline] : [stack.api, stack.worker];
        servers.forEach((p) => repin(p, '0,1'));
        try {
          const r = await runScenario(stack, options, workload, variant, {
            pinning: 'servers on CPUs 0-1 (not pinned)',
          });
          scenarios.push(r);
          log(
            `  ${fmt(r.loginsPerSecond)} logins/s; callback p99 ${fmt(r.callbackMs?.p99)} ms; callback→signed in p99 ${fmt(r.callbackToSignedInMs?.p99)} ms`,
          );
        } finally {
          servers.forEach((p) => repin(p, pinned));
        }
      }
    }
  }

  const profiles: ProfileSummary[] = [];
  if (options.profile) {
    fs.mkdirSync(PROFILES, { recursive: true });
    const workload: Workload = { ...FULL_WORKLOADS[1], name: '0ms/100 (profiled)', durationMs: 8000, drainMs: 10000 };
    for (const variant of variants.filter((v) => v !== 'poll')) {
      log(`CPU profile: ${variant} ${workload.name}`);
      scenarios.push(await runScenario(stack, options, workload, variant, { profileTo: PROFILES }));
      const servers = variant === 'inline' ? ['inline'] : ['api', 'worker'];
      for (const s of servers) profiles.push(summarizeCpuProfile(path.join(PROFILES, `${s}-${variant}.cpuprofile`)));
    }
  }

  const capacity =
    options.streams && variants.some((v) => v !== 'inline')
      ? await streamCapacity(stack, options, profiles, errors)
      : { rounds: [], heap: undefined };

  return {
    closedWorkloads: workloads.length,
    scenarios,
    streams: capacity.rounds,
    profiles,
    steps,
    unloadedDelivery,
    redisAttribution,
    streamHeap: capacity.heap,
    errors,
  };
}
