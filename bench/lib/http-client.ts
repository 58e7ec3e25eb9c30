import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { createParser, type EventSourceMessage } from 'eventsource-parser';

/**
 * Wall-clock milliseconds with sub-millisecond resolution: the monotonic clock
 * anchored once to Date.now() at the instant Date.now() ticks, so readings can
 * be compared with MariaDB's CURRENT_TIMESTAMP(3) on the same machine. Each
 * load-generator process lives for one scenario (≤ a minute), so drift
 * between the two clocks stays far below a millisecond.
 */
export const wallClock = (() => {
  let anchor = 0;
  const calibrate = () => {
    // Being descheduled between the tick and performance.now() can only make the anchor too small:
    // keep the largest of several readings.
    let best = -Infinity;
    for (let i = 0; i < 8; i++) {
      const start = Date.now();
      let now = start;
      while (now === start) now = Date.now();
      best = Math.max(best, now - performance.now());
    }
    anchor = best;
  };
  calibrate();
  return { now: () => anchor + performance.now(), calibrate };
})();

export interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  location: string | null;
  body: string;
}

/** Counts what one simulated browser sent, by destination. */
export interface RequestCounter {
  api: number;
  facebook: number;
}

/**
 * One simulated browser: its own cookie jar (one host), no automatic
 * redirects, a keep-alive agent shared by all browsers of the process (each
 * browser still sends its own cookies, so the server sees distinct sessions).
 */
export class BenchBrowser {
  private readonly cookies = new Map<string, string>();
  readonly count: RequestCounter = { api: 0, facebook: 0 };

  constructor(
    readonly baseUrl: URL,
    private readonly agent: http.Agent,
    /** Sent as `Origin` on POSTs: the page's origin (PUBLIC_URL). */
    readonly origin: string,
  ) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.send('GET', new URL(path, this.baseUrl), headers);
  }

  postJson(path: string, body: unknown): Promise<Response> {
    return this.send(
      'POST',
      new URL(path, this.baseUrl),
      {
        'content-type': 'application/json',
        origin: this.origin,
      },
      JSON.stringify(body),
    );
  }

  /** A form post to another origin (the emulator's dialog): no cookies of ours. */
  postForm(url: URL, form: URLSearchParams): Promise<Response> {
    this.count.facebook++;
    return rawRequest(
      this.agent,
      'POST',
      url,
      { 'content-type': 'application/x-www-form-urlencoded' },
      form.toString(),
    );
  }

  /**
   * Opens the SSE stream and resolves at the first event for which `until`
   * is true (with the wall-clock time its bytes arrived), or when the stream
   * ends. The rest of the response is drained in the background, as
   * EventSource.close() would drop it.
   */
  events(
    path: string,
    until: (message: EventSourceMessage) => boolean,
    timeoutMs: number,
    retried = false,
  ): Promise<{ status: number; messages: EventSourceMessage[]; hit?: EventSourceMessage; hitAt?: number }> {
    const url = new URL(path, this.baseUrl);
    this.count.api++;
    return new Promise((resolve, reject) => {
      const messages: EventSourceMessage[] = [];
      let settled = false;
      const req = http.request(url, {
        method: 'GET',
        agent: this.agent,
        headers: { accept: 'text/event-stream', cookie: this.cookieHeader() },
      });
      const timer = setTimeout(() => {
        if (!settled) {
          settled = true;
          req.destroy();
          reject(new Error(`SSE timed out after ${timeoutMs} ms`));
        }
      }, timeoutMs);
      let answered = false;
      req.on('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        if (settled) return;
        settled = true;
        if (!answered && !retried && req.reusedSocket && isStaleConnection(error)) {
          this.count.api--;
          resolve(this.events(path, until, timeoutMs, true));
        } else reject(error);
      });
      req.on('response', (res) => {
        answered = true;
        this.remember(res.headers);
        if (!String(res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
          res.resume();
          res.on('end', () => {
            clearTimeout(timer);
            if (!settled) {
              settled = true;
              resolve({ status: res.statusCode ?? 0, messages });
            }
          });
          return;
        }
        let arrivedAt = 0;
        const parser = createParser({
          onEvent: (message) => {
            messages.push(message);
            if (!settled && until(message)) {
              settled = true;
              clearTimeout(timer);
              resolve({ status: res.statusCode ?? 0, messages, hit: message, hitAt: arrivedAt });
            }
          },
        });
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          arrivedAt = wallClock.now();
          parser.feed(chunk);
        });
        res.on('end', () => {
          clearTimeout(timer);
          if (!settled) {
            settled = true;
            resolve({ status: res.statusCode ?? 0, messages });
          }
        });
        res.on('error', () => undefined);
      });
      req.end();
    });
  }

  private async send(method: string, url: URL, headers: Record<string, string>, body?: string): Promise<Response> {
    this.count.api++;
    const cookie = this.cookieHeader();
    const response = await rawRequest(this.agent, method, url, cookie ? { ...headers, cookie } : headers, body);
    this.remember(response.headers);
    return response;
  }

  private remember(headers: http.IncomingHttpHeaders): void {
    for (const line of headers['set-cookie'] ?? []) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = value === '' || attributes.some((a) => /^\s*expires=thu, 01 jan 1970/i.test(a));
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

/**
 * A request that, like a browser, retries once when a kept-alive connection
 * turns out to have been closed by the server just as it was reused (the
 * request never reached the application).
 */
export function rawRequest(
  agent: http.Agent,
  method: string,
  url: URL,
  headers: Record<string, string>,
  body?: string,
  retried = false,
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method,
      agent,
      headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) },
    });
    let answered = false;
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (!answered && !retried && req.reusedSocket && isStaleConnection(error)) {
        resolve(rawRequest(agent, method, url, headers, body, true));
      } else reject(error);
    });
    req.on('response', (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          location: typeof res.headers.location === 'string' ? res.headers.location : null,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.end(body);
  });
}

export function isStaleConnection(error: NodeJS.ErrnoException): boolean {
  return error.code === 'ECONNRESET' || error.code === 'EPIPE' || error.message === 'socket hang up';
}

/**
 * Keep-alive, no connection limit; an idle connection is dropped after 4 s,
 * before Node's server closes it (keepAliveTimeout 5 s), as browsers do.
 */
export function keepAliveAgent(): http.Agent {
  return new http.Agent({
    keepAlive: true,
    maxSockets: Infinity,
    maxFreeSockets: 4096,
    scheduling: 'lifo',
    timeout: 4000,
  });
}
