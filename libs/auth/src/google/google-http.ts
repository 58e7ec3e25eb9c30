import http from 'node:http';
import https from 'node:https';
import type { CodeFate } from '../core/worker/provider-exchange';
import { GoogleApiError, classifyGoogleErrorResponse, type GoogleCall } from './google-api.error';

/** Network errors raised before a request could reach Google: nothing was sent. */
const NOT_SENT_ERROR_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** How long an idle connection to a Google host is kept for the next call. */
export const GOOGLE_IDLE_SOCKET_MS = 15_000;
/** Idle connections kept per host after a burst; the rest close at once. */
const GOOGLE_MAX_IDLE_SOCKETS = 128;

/** Answers larger than this are not a discovery document or a token answer: refuse them unread. */
const MAX_RESPONSE_BYTES = 256 * 1024;

export interface GoogleRequest {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
}

export interface GoogleAnswer {
  status: number;
  text: string;
}

/**
 * Keep-alive connections, most recently used first, that close once idle.
 * One agent serves every host (http and https alike); node:http rather than
 * fetch because only it tells whether a request was sent before it failed.
 */
export class GoogleAgents {
  readonly http = new http.Agent(agentOptions());
  readonly https = new https.Agent(agentOptions());

  for(url: URL): http.Agent {
    return url.protocol === 'https:' ? this.https : this.http;
  }

  destroy(): void {
    this.http.destroy();
    this.https.destroy();
  }
}

function agentOptions(): http.AgentOptions {
  return {
    keepAlive: true,
    timeout: GOOGLE_IDLE_SOCKET_MS,
    maxFreeSockets: GOOGLE_MAX_IDLE_SOCKETS,
    scheduling: 'lifo',
  };
}

/** Why a call got no usable HTTP answer, and whether the request can have reached Google. */
export class GoogleTransportError extends Error {
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
    this.name = 'GoogleTransportError';
    this.code = details.code;
    this.status = details.status;
    this.codeFate = details.codeFate;
    this.staleConnection = details.staleConnection ?? false;
  }
}

/**
 * One HTTP exchange on a kept-alive agent. The timeout covers the whole of it,
 * answer included, and waits one more turn of the event loop before it fires:
 * after a stall the timer runs before the loop reads its sockets, and an
 * answer that already arrived should win over a timeout that is only late.
 * `codeFate` on a failure says whether the whole request reached the socket.
 */
export function sendRequest(
  agents: GoogleAgents,
  url: URL,
  init: GoogleRequest,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<GoogleAnswer> {
  return new Promise<GoogleAnswer>((resolve, reject) => {
    if (signal?.aborted) {
      reject(
        new GoogleTransportError('aborted', 'aborted before it started', {
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
      agent: agents.for(url),
      headers: {
        accept: 'application/json',
        ...init.headers,
        ...(body ? { 'content-length': String(body.length) } : {}),
      },
    });
    let settled = false;
    let sent = false; // the whole request reached the socket: Google may have it
    let answered = false; // the first byte of an answer arrived
    const finish = (error: GoogleTransportError | null, answer?: GoogleAnswer) => {
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
          finish(new GoogleTransportError('timeout', `timed out after ${timeoutMs} ms`, { codeFate: codeFate() })),
        ),
      timeoutMs,
    );
    const onAbort = () =>
      finish(new GoogleTransportError('aborted', 'aborted', { cause: signal!.reason, codeFate: codeFate() }));
    signal?.addEventListener('abort', onAbort, { once: true });

    req.on('finish', () => (sent = true));
    req.on('error', (error: NodeJS.ErrnoException) => {
      const code = networkErrorCode(error);
      finish(
        new GoogleTransportError(
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
        finish(new GoogleTransportError('redirect', `HTTP ${status}`, { status, codeFate: 'unknown' }));
        return;
      }
      if (Number(res.headers['content-length'] ?? 0) > MAX_RESPONSE_BYTES) {
        finish(new GoogleTransportError('too-large', 'too large', { codeFate: 'unknown' }));
        return;
      }
      const chunks: Buffer[] = [];
      let length = 0;
      res.on('data', (chunk: Buffer) => {
        length += chunk.length;
        if (length > MAX_RESPONSE_BYTES)
          finish(new GoogleTransportError('too-large', 'too large', { codeFate: 'unknown' }));
        else chunks.push(chunk);
      });
      res.on('end', () => finish(null, { status, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (error: Error) =>
        finish(
          new GoogleTransportError('network', error.message, {
            cause: error,
            code: networkErrorCode(error),
            codeFate: 'unknown',
          }),
        ),
      );
      res.on('close', () => {
        if (!res.complete)
          finish(new GoogleTransportError('network', 'the answer was cut off', { codeFate: 'unknown' }));
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

/**
 * A call whose answer is JSON, every failure a classified GoogleApiError (an
 * abort rethrows the signal's reason). A GET that met a kept-alive connection
 * the server had just closed is asked again on a new one; a POST is not: the
 * token request may have gone with it.
 */
export async function callGoogle(
  agents: GoogleAgents,
  call: GoogleCall,
  url: URL,
  init: GoogleRequest,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<unknown> {
  let answer: GoogleAnswer;
  try {
    answer = await sendRequest(agents, url, init, timeoutMs, signal).catch((error: unknown) => {
      if (init.method === 'GET' && error instanceof GoogleTransportError && error.staleConnection) {
        return sendRequest(agents, url, init, timeoutMs, signal);
      }
      throw error;
    });
  } catch (error) {
    if (!(error instanceof GoogleTransportError)) throw error;
    if (error.kind === 'aborted') throw error.cause;
    if (error.kind === 'too-large') throw malformedAnswer(call, 'is too large');
    // Only the token call carries the code; no other call can spend it.
    const codeFate: CodeFate = call === 'token' ? error.codeFate : 'untouched';
    const what =
      error.kind === 'timeout'
        ? `timed out after ${timeoutMs} ms`
        : error.kind === 'redirect'
          ? `was answered with a redirect (HTTP ${error.status})`
          : `could not reach Google (${error.message})`;
    // Sent, then no answer: Google may have spent the code, and only a new sign-in is sure to help.
    const reason = codeFate === 'unknown' && error.kind !== 'redirect' ? 'provider_timeout' : 'provider_unavailable';
    throw new GoogleApiError(reason, true, `Google ${call} call ${what}`, { status: error.status, codeFate });
  }
  const json = parseJson(answer.text);
  if (answer.status < 200 || answer.status >= 300) throw classifyGoogleErrorResponse(call, answer.status, json);
  if (json === undefined) throw malformedAnswer(call, 'is not JSON');
  return json;
}

/** An answer we cannot use: no retry makes it usable. */
export function malformedAnswer(call: GoogleCall, what: string): GoogleApiError {
  return new GoogleApiError('provider_bad_response', false, `Google's ${call} answer ${what}`);
}
