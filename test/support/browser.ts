import { createParser, type EventSourceMessage } from 'eventsource-parser';

export interface BrowserResponse {
  status: number;
  headers: Headers;
  location: string | null;
  text: string;
  json<T = unknown>(): T;
}

/**
 * A tiny browser for HTTP-level tests: a cookie jar per origin host, no
 * automatic redirects (tests follow them on purpose), and an EventSource-like
 * reader for SSE.
 */
export class TestBrowser {
  constructor(
    readonly baseUrl: string,
    private readonly cookies = new Map<string, string>(),
    /** The page's origin, sent as `Origin` on POSTs. */
    readonly origin = new URL(baseUrl).origin,
  ) {}

  /**
   * The same browser (same cookie jar, same page origin) reaching another
   * instance, as a load balancer would send it.
   */
  at(baseUrl: string): TestBrowser {
    return new TestBrowser(baseUrl, this.cookies, this.origin);
  }

  url(path: string): string {
    return new URL(path, this.baseUrl).toString();
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  setCookie(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  /** Copies this browser's cookies: "the same browser, later" or a stolen cookie. */
  clone(): TestBrowser {
    const copy = new TestBrowser(this.baseUrl, new Map(), this.origin);
    for (const [k, v] of this.cookies) copy.cookies.set(k, v);
    return copy;
  }

  async request(path: string, init: RequestInit = {}): Promise<BrowserResponse> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', this.cookieHeader());
    const response = await fetch(this.url(path), { ...init, headers, redirect: 'manual' });
    this.remember(response);
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      location: response.headers.get('location'),
      text,
      json: <T>() => JSON.parse(text) as T,
    };
  }

  get(path: string, headers: Record<string, string> = {}): Promise<BrowserResponse> {
    return this.request(path, { headers });
  }

  post(path: string, body: unknown = {}, headers: Record<string, string> = {}): Promise<BrowserResponse> {
    return this.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: this.origin, ...headers },
      body: JSON.stringify(body),
    });
  }

  /**
   * Opens an SSE stream and collects its messages until `until` says stop,
   * the server ends the stream, or the timeout passes.
   */
  async events(
    path: string,
    options: {
      until?: (message: EventSourceMessage) => boolean;
      timeoutMs?: number;
      headers?: Record<string, string>;
    } = {},
  ): Promise<{
    status: number;
    contentType: string | null;
    messages: EventSourceMessage[];
    ended: boolean;
    /** The last `retry:` the server sent, if any. */
    retry?: number;
  }> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? 15000);
    const messages: EventSourceMessage[] = [];
    let ended = false;
    let retry: number | undefined;
    try {
      const headers = new Headers({ accept: 'text/event-stream', ...options.headers });
      if (this.cookies.size) headers.set('cookie', this.cookieHeader());
      const response = await fetch(this.url(path), { headers, signal: controller.signal });
      this.remember(response);
      const contentType = response.headers.get('content-type');
      if (!response.body || !contentType?.startsWith('text/event-stream')) {
        await response.text().catch(() => undefined);
        return { status: response.status, contentType, messages, ended: true };
      }
      let stop = false;
      const parser = createParser({
        onEvent: (message) => {
          messages.push(message);
          if (options.until?.(message)) stop = true;
        },
        onRetry: (interval) => {
          retry = interval;
        },
      });
      const decoder = new TextDecoder();
      const reader = response.body.getReader();
      while (!stop) {
        const { done, value } = await reader.read();
        if (done) {
          ended = true;
          break;
        }
        parser.feed(decoder.decode(value, { stream: true }));
      }
      if (!ended) await reader.cancel().catch(() => undefined);
      return { status: response.status, contentType, messages, ended, retry };
    } catch (error) {
      if ((error as Error).name === 'AbortError') {
        return { status: 0, contentType: null, messages, ended: false, retry };
      }
      // The server went away mid-stream (a killed instance): the stream ended without a goodbye.
      if ((error as Error).name === 'TypeError' && messages.length) {
        return { status: 200, contentType: 'text/event-stream', messages, ended: true, retry };
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*expires=thu, 01 jan 1970/i.test(a)) || value === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}
