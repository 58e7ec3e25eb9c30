import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** Every process the bench started, so they all go however the bench ends. */
const running = new Set<Proc>();

export interface StartOptions {
  name: string;
  /** argv after `node`. */
  args: string[];
  env: Record<string, string>;
  /** taskset CPU list (e.g. "0"); none = the scheduler decides. */
  cpus?: string;
  /** Open-file limit (the hard limit at most: raising it needs CAP_SYS_RESOURCE). */
  nofile?: number;
  logFile: string;
  cwd: string;
  /** The load generator's stdout is its protocol, read by the caller: keep it out of the log. */
  stdoutIsProtocol?: boolean;
}

/** A child process: node, under `bash -c 'ulimit -n …; exec taskset …'`, so its pid is node's own. */
export class Proc {
  readonly child: ChildProcess;
  private readonly tail: string[] = [];
  private readonly log: fs.WriteStream;
  readonly exited: Promise<void>;

  constructor(readonly options: StartOptions) {
    const wrap = [
      options.nofile ? `ulimit -n ${options.nofile}` : ':',
      `exec ${options.cpus ? `taskset -c ${options.cpus} ` : ''}"$@"`,
    ].join(' && ');
    this.log = fs.createWriteStream(options.logFile, { flags: 'a' });
    this.child = spawn('bash', ['-c', wrap, 'bash', process.execPath, ...options.args], {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      this.log.write(chunk);
      const lines = chunk.toString().split('\n');
      this.tail.push(...lines);
      if (this.tail.length > 200) this.tail.splice(0, this.tail.length - 200);
    };
    this.child.stderr!.on('data', keep);
    if (!options.stdoutIsProtocol) this.child.stdout!.on('data', keep);
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
    void this.exited.then(() => {
      running.delete(this);
      this.log.end();
    });
    running.add(this);
  }

  get pid(): number {
    return this.child.pid!;
  }

  get name(): string {
    return this.options.name;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get recentOutput(): string {
    return this.tail.join('\n').slice(-4000);
  }

  pause(): void {
    this.child.kill('SIGSTOP');
  }

  resume(): void {
    this.child.kill('SIGCONT');
  }

  /** SIGTERM (after SIGCONT, in case it is paused), then SIGKILL after `graceMs`. */
  async stop(graceMs = 8000): Promise<void> {
    if (!this.alive) return;
    this.child.kill('SIGCONT');
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop()));
}

/** Last resort (process 'exit'): synchronous SIGKILL to anything still running. */
export function killAllNow(): void {
  for (const p of running) {
    try {
      p.child.kill('SIGCONT');
      p.child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 60000,
  proc?: Proc,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc && !proc.alive) throw new Error(`${proc.name} exited while waiting for ${what}:\n${proc.recentOutput}`);
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}${proc ? `:\n${proc.recentOutput}` : ''}`);
    await sleep(200);
  }
}

/** GET on the probe's Unix socket (bench/probes/probe.js) inside a server process. */
export function probe<T = Record<string, number>>(socketPath: string, path: string, timeoutMs = 30000): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = http.get({ socketPath, path, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString()) as T);
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`probe ${path} timed out`)));
    req.on('error', reject);
  });
}
