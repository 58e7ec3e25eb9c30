import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT } from './test-env';

/** Thrown by a `waitFor` check to give up at once instead of trying again. */
export class StopWaiting extends Error {}

/**
 * Polls until `check` resolves true, or throws after `timeoutMs` with the last
 * error `check` threw (no timing is asserted, only an outcome). Any error but
 * StopWaiting means "not yet".
 */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: Error | undefined;
  for (;;) {
    try {
      if (await check()) return;
    } catch (error) {
      if (error instanceof StopWaiting) throw error;
      last = error instanceof Error ? error : new Error(JSON.stringify(error));
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
    await sleep(100);
  }
}

export function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function stopChild(child: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  // An aborted grace timer: a child that exits at once must not keep Jest waiting 10 s.
  const grace = new AbortController();
  await Promise.race([exited(child), sleep(10000, undefined, { signal: grace.signal }).catch(() => undefined)]);
  grace.abort();
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await exited(child);
  }
}

type AppName = 'api' | 'worker' | 'facebook-emulator';

/** One built app (dist/apps/<name>/main.js) running as a child process. */
export class BuiltProcess {
  readonly output: string[] = [];
  private child?: ChildProcess;

  constructor(
    readonly name: AppName,
    readonly env: Record<string, string>,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(ready: () => Promise<boolean> | boolean): Promise<void> {
    const main = join(ROOT, 'dist', 'apps', this.name, 'main.js');
    if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first`);
    this.child = spawn(process.execPath, [main], {
      env: { PATH: process.env.PATH ?? '', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => this.output.push(chunk.toString());
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    const child = this.child;
    await waitFor(`${this.name} to start`, () => {
      // A child that dies while starting fails the start at once, with what it printed.
      if (!this.running) {
        throw new StopWaiting(
          `${this.name} exited with ${child.exitCode ?? child.signalCode} while starting:\n${this.text}`,
        );
      }
      return ready();
    });
  }

  /** Sends a signal and waits for the process to end; returns how it ended. */
  async signal(signal: NodeJS.Signals): Promise<{ code: number | null; signal: string | null }> {
    const child = this.child!;
    child.kill(signal);
    await exited(child);
    return { code: child.exitCode, signal: child.signalCode };
  }

  async stop(): Promise<void> {
    await stopChild(this.child);
  }

  get text(): string {
    return this.output.join('');
  }
}
