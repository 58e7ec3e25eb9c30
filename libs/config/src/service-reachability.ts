/** What a boot-time check found out about one service the process needs. */
export interface Reachability {
  /** "MySQL", "Redis". */
  service: string;
  /** host:port, never the credentials. */
  target: string;
  /** The setting that names it: DATABASE_URL, REDIS_URL. */
  setting: string;
  /** null when reachable; else a short reason (ECONNREFUSED, timed out, access denied). */
  problem: string | null;
  /** What to do, when it is not "start the service" (a wrong password, a missing database). */
  hint?: string;
}

function describe(unreachable: Reachability[]): string {
  const down = unreachable.filter((r) => !r.hint);
  const parts = unreachable
    .filter((r) => r.hint)
    .map(({ service, target, problem, hint }) => `${service} at ${target} refused (${problem}): ${hint}`);
  if (down.length) {
    const what = down.map(({ service, target, problem }) => `${service} at ${target} (${problem})`).join(' and ');
    const them = down.length > 1 ? 'them' : 'it';
    const services = down.length > 1 ? 'local services' : 'local service';
    const settings = down.map((r) => r.setting).join(' / ');
    parts.unshift(
      `cannot reach ${what}: start ${them} with \`docker compose up -d\` or the ${services}, or fix ${settings}`,
    );
  }
  return parts.join('; ');
}

/**
 * A service the process cannot use at boot. Its stack is its message: the
 * person starting the process needs one line, not a trace through the driver.
 */
export class ServiceUnreachableError extends Error {
  constructor(readonly unreachable: Reachability[]) {
    super(describe(unreachable));
    this.name = 'ServiceUnreachableError';
    this.stack = this.message;
  }
}

/** Throws one ServiceUnreachableError naming every service that is down. */
export async function assertReachable(checks: Promise<Reachability>[]): Promise<void> {
  const results = await Promise.all(checks);
  const unreachable = results.filter((r) => r.problem !== null);
  if (unreachable.length) throw new ServiceUnreachableError(unreachable);
}

/**
 * Rejects after `ms`, so a call never hangs on a black-holed address. The
 * rejection waits one more turn of the event loop: after a stall (GC, a
 * burst of work) the timer fires before the loop reads its sockets, and an
 * answer that already arrived should win over a timeout that is only late.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, message = `timed out after ${ms} ms`): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => setImmediate(() => reject(new Error(message))), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
