import type { Arrival } from '../load';
import type { ProfileSummary } from './cpu-profile';
import type { Variant } from './flows';
import type { heapDiff } from './heap-snapshot';
import type { RedisAttribution } from './redis-attribution';
import type { Summary } from './stats';
import type { machineInfo, machineSnapshot } from './system';
import type { Workload } from './workloads';

/** What bench/results/*.json hold, and what the tables are drawn from (--redraw reads them back). */

export interface EventLoopDelay {
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

/** The load generator's own result line (bench/load.ts). */
export interface FlowResult {
  variant: Variant;
  concurrency: number;
  arrival: Arrival;
  maxInFlight: number;
  /** burst and open: logins that arrived in the window ÷ its length. */
  offeredRatePerSecond?: number;
  /** open: how late the load generator started each login against its schedule. */
  arrivalLagMs?: Summary | null;
  flowsStarted: number;
  signedIn: number;
  unfinished: number;
  failures: Record<string, number>;
  completedInWindow: number;
  loginsPerSecond: number;
  goodput: number;
  callbackMs: Summary | null;
  callbackToSignedInMs: Summary | null;
  flowMs: Summary | null;
  statusDeliveryMs: Summary | null;
  statusDeliveryMissing: number;
  httpRequestsPerLogin: { api: number; facebook: number; total: number };
  pollsPerLogin?: number;
  cdf: {
    callbackToSignedInMs: Array<[number, number]>;
    callbackMs: Array<[number, number]>;
    statusDeliveryMs: Array<[number, number]>;
  };
}

export interface ScenarioResult extends FlowResult {
  workload: string;
  emulatorLatency: Workload['latency'];
  failureRate: number;
  profiled: boolean;
  windowMs: number;
  redisCommandsPerLogin: number;
  redisTopCommandsPerLogin: Record<string, number>;
  sqlStatementsPerLogin: Record<string, number>;
  facebookCallsPerLogin: { token: number; me: number };
  cpuMsPerLogin: Record<string, number>;
  cpuUtilisation: Record<string, number>;
  eventLoopDelayMs: Record<string, EventLoopDelay>;
  /** CPU the rest of the machine (other tenants, not our processes, MariaDB or Redis) used during the window, in cores. */
  otherLoadCores: number;
  /** How long the bench waited for the machine to be quiet before this scenario. */
  waitedForQuietMs: number;
  /** Where the servers ran. */
  pinning: string;
  /** Where a scenario's parameters came from (the open loop's rate). */
  note?: string;
}

/** Results written before the burst and open-loop scenarios existed have no `arrival`: all closed. */
export const isClosed = (s: ScenarioResult) => (s.arrival?.kind ?? 'closed') === 'closed';

export interface StepCost {
  variant: Variant;
  step: string;
  /** Mean over the sequential logins, per login. */
  cpuMs: Record<string, number>;
  redisCommands: number;
  redisTop: Record<string, number>;
  sqlStatements: number;
  wallMs: number;
}

export interface StreamCapacityResult {
  streams: number;
  opened: number;
  received: number;
  openMs: number;
  finalStatuses: string[];
  deliveryMs: Summary | null;
  cdf: Array<[number, number]>;
  rssBeforeKiB: number;
  rssOpenKiB: number;
  rssPerStreamKiB: number;
  heapUsedPerStreamKiB: number;
  apiEventLoopDelayMs: EventLoopDelay;
  apiCpuUtilisationWhileOpen: number;
  mariadbStatementsPerSecondWhileOpen: number;
  /** What one open stream is made of on the API's heap (heap snapshots before/after, by constructor). */
  heapPerStream?: ReturnType<typeof heapDiff>;
  failedToOpen?: number;
  firstOpenFailure?: string;
  /** Set when the round could not be measured. */
  error?: string;
}

/** The heap-snapshot round's answer: what one open stream adds to the API's heap. */
export type StreamHeap = { streams: number } & ReturnType<typeof heapDiff>;

export interface TargetRow {
  figure: string;
  measured: string;
  target: string;
  /** null: not measured in this run. */
  met: boolean | null;
  value?: number;
}

export interface BenchResults {
  command: string;
  date: string;
  durationS: number;
  quick: boolean;
  pinning: string;
  git: { commit: string; dirty: boolean };
  /** Whose built API and worker ran. */
  servers: string;
  /** The servers were on the contract before issue 13 (--legacy-complete). */
  legacyComplete?: boolean;
  machine: {
    info: ReturnType<typeof machineInfo>;
    versions: { mariadb: string; redis: string; node: string };
    start: ReturnType<typeof machineSnapshot>;
    end: ReturnType<typeof machineSnapshot>;
    redisBackgroundCommandsPerSecond: number;
    redisClientsAtStart: number;
  };
  scenarios: ScenarioResult[];
  streams: StreamCapacityResult[];
  profiles: ProfileSummary[];
  steps: StepCost[];
  /** Status delivery (commit → browser) of the one-at-a-time logins. */
  unloadedStatusDeliveryMs: Summary | null;
  /** Redis commands of an sse login by the part of the product that sends them (MONITOR). */
  redisAttribution?: RedisAttribution | null;
  streamHeap?: StreamHeap;
  /** Issue 13's table, as printed (recomputed from the figures above by --redraw). */
  issue13Targets?: TargetRow[];
  errors: string[];
}
