import http from 'node:http';
import https from 'node:https';
import type { CodeFate } from './provider-exchange';

/**
 * The HTTP every provider client speaks: keep-alive agents and one request
 * with a whole-exchange timeout that knows whether the request was sent.
 * node:http rather than fetch: only it tells whether a request reached the
 * socket before it failed (what a one-time code's fate hangs on), at a third
 * of the CPU per call. Each provider turns a ProviderTransportError into its
 * own classified error.
 */

/** Network errors raised before a request could reach the provider: nothing was sent. */
const NOT_SENT_ERROR_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * How long an idle connection to a provider is kept for the next call. A
 * server that announces a shorter keep-alive (`Keep-Alive: timeout=N`) is
 * believed, less a second, so we close first and never write into a
 * connection the server is closing.
 */
export const PROVIDER_IDLE_SOCKET_MS = 15_000;
/** Idle connections kept per host after a burst; the rest close at once. */
const PROVIDER_MAX_IDLE_SOCKETS = 128;

/** Answers larger than this are not a token, a profile or a discovery document: refuse them unread. */
export const MAX_PROVIDER_RESPONSE_BYTES = 256 * 1024;

export interface ProviderRequest {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
}

export interface ProviderAnswer {
  status: number;
  text: string;
}

/**
 * A keep-alive agent for one protocol, most recently used connection first: a
 * sign-in's calls, and the sign-ins after it, reuse one connection (no TCP or
 * TLS setup per call), and the connections a burst opened close once idle.
 */
export function keepAliveAgent(protocol: string): http.Agent {
  const options: http.AgentOptions = {
    keepAlive: true,
    timeout: PROVIDER_IDLE_SOCKET_MS,
    maxFreeSockets: PROVIDER_MAX_IDLE_SOCKETS,
    scheduling: 'lifo',
  };
  return protocol === 'https:' ? new https.Agent(options) : new http.Agent(options);
}

/** One keep-alive agent per protocol, for a client whose calls go to several hosts. */
export class KeepAliveAgents {
  readonly http = keepAliveAgent('http:');
  readonly https = keepAliveAgent('https:');

  for(url: URL): http.Agent {
    return url.protocol === 'https:' ? this.https : this.http;
  }

  destroy(): void {
    this.http.destroy();
    this.https.destroy();
  }
}

/** Why a call got no usable HTTP answer, and whether the request can have reached the provider. */
export class ProviderTransportError extends Error {
  override name = 'ProviderTransportError';
  readonly code?: string;
  readonly status?: number;
  readonly codeFate: CodeFate;
  /** A kept-alive connection the server had closed: the request never got an answer. */
  readonly staleConnection: boolean;

  constructor(
    readonly kind: 'timeout' | 'aborted' | 'network' | 'redirect' | 'too-large',
    message: string,
    details: { cause?: unknown; code?: string; status?: number; codeFate: CodeFate; staleConnection?: boolean },
  ) {
    super(message, { cause: details.cause });
    this.code = details.code;
    this.status = details.status;
    this.codeFate = details.codeFate;
    this.staleConnection = details.staleConnection ?? false;
  }
}

/**
 * One call: `sendOnce`, and a GET that met a kept-alive connection the server
 * had just closed asked again on a new one. A POST is not: a token request
 * may have gone with the connection, and its code with it.
 */
export function sendProviderRequest(
  agent: http.Agent,
  url: URL,
  init: ProviderRequest,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<ProviderAnswer> {
  return sendOnce(agent, url, init, timeoutMs, signal).catch((error: unknown) => {
    if (init.method === 'GET' && error instanceof ProviderTransportError && error.staleConnection) {
      return sendOnce(agent, url, init, timeoutMs, signal);
    }
    throw error;
  });
}

/**
 * One HTTP exchange on a kept-alive agent. The timeout covers the whole of it,
 * answer included, and waits one more turn of the event loop before it fires:
 * after a stall the timer runs before the loop reads its sockets, and an
 * answer that already arrived should win over a timeout that is only late.
 * `codeFate` on a failure says whether the whole request reached the socket.
 */
function sendOnce(
  agent: http.Agent,
  url: URL,
  init: ProviderRequest,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<ProviderAnswer> {
  return new Promise<ProviderAnswer>((resolve, reject) => {
    if (signal?.aborted) {
      reject(
        new ProviderTransportError('aborted', 'aborted before it started', {
          cause: signal.reason,
          codeFate: 'untouched',
        }),
      );
      return;
    }
    const transport = url.protocol === 'https:' ? https : http;
    const body = init.body === undefined ? undefined : Buffer.from(init.body);
    const req = transport.request(url, {
      method: init.method,
      agent,
      headers: {
        accept: 'application/json',
        ...init.headers,
        ...(body ? { 'content-length': String(body.length) } : {}),
      },
    });
    let settled = false;
    let sent = false; // the whole request reached the socket: the provider may have it
    let answered = false; // the first byte of an answer arrived
    const finish = (error: ProviderTransportError | null, answer?: ProviderAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (error) {
        req.destroy();
        reject(error);
      } else {
        resolve(answer!);
      }
    };
    const codeFate = (): CodeFate => (sent ? 'unknown' : 'untouched');
    const timer = setTimeout(
      () =>
        setImmediate(() =>
          finish(new ProviderTransportError('timeout', `timed out after ${timeoutMs} ms`, { codeFate: codeFate() })),
        ),
      timeoutMs,
    );
    const onAbort = () =>
      finish(new ProviderTransportError('aborted', 'aborted', { cause: signal!.reason, codeFate: codeFate() }));
    signal?.addEventListener('abort', onAbort, { once: true });

    req.on('finish', () => (sent = true));
    req.on('error', (error: NodeJS.ErrnoException) => {
      const code = networkErrorCode(error);
      finish(
        new ProviderTransportError(
          'network',
          code && !error.message.includes(code) ? `${error.message}, ${code}` : error.message,
          {
            cause: error,
            code,
            codeFate: code && NOT_SENT_ERROR_CODES.has(code) ? 'untouched' : codeFate(),
            staleConnection: req.reusedSocket && !answered && (code === 'ECONNRESET' || code === 'EPIPE'),
          },
        ),
      );
    });
    req.on('response', (res) => {
      answered = true;
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400) {
        res.resume();
        finish(new ProviderTransportError('redirect', `HTTP ${status}`, { status, codeFate: 'unknown' }));
        return;
      }
      const tooLarge = () => finish(new ProviderTransportError('too-large', 'too large', { codeFate: 'unknown' }));
      if (Number(res.headers['content-length'] ?? 0) > MAX_PROVIDER_RESPONSE_BYTES) {
        tooLarge();
        return;
      }
      const chunks: Buffer[] = [];
      let length = 0;
      res.on('data', (chunk: Buffer) => {
        length += chunk.length;
        if (length > MAX_PROVIDER_RESPONSE_BYTES) tooLarge();
        else chunks.push(chunk);
      });
      res.on('end', () => finish(null, { status, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (error: Error) =>
        finish(
          new ProviderTransportError('network', error.message, {
            cause: error,
            code: networkErrorCode(error),
            codeFate: 'unknown',
          }),
        ),
      );
      res.on('close', () => {
        if (!res.complete)
          finish(new ProviderTransportError('network', 'the answer was cut off', { codeFate: 'unknown' }));
      });
    });
    req.end(body);
  });
}

/** The socket's error code, on the error or its causes. */
function networkErrorCode(error: unknown): string | undefined {
  for (
    let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0;
    e && depth < 3;
    e = e.cause as typeof e, depth++
  ) {
    if (typeof e.code === 'string') return e.code;
  }
  return undefined;
}

/** The body as JSON, or undefined when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** What a transport failure says about the call, in words for the log and the stored error. */
export function describeTransportFailure(error: ProviderTransportError, provider: string, timeoutMs: number): string {
  return error.kind === 'timeout'
    ? `timed out after ${timeoutMs} ms`
    : error.kind === 'redirect'
      ? `was answered with a redirect (HTTP ${error.status})`
      : `could not reach ${provider} (${error.message})`;
}
