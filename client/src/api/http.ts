import type { ApiSchemas } from './schema-types';

/** The JSON error body NestJS sends for 4xx/5xx answers. */
export type ApiErrorBody = ApiSchemas['HttpErrorDto'];

/**
 * A request that got no successful answer. `status` is the HTTP status, or 0
 * when no answer arrived at all (network down, server restarting).
 */
export class HttpError extends Error {
  override readonly name = 'HttpError';

  constructor(
    readonly status: number,
    readonly body: unknown = null,
    message?: string,
  ) {
    super(message ?? describe(status, body));
  }

  /** The server's own `{ statusCode, message, error }` body, when it sent one. */
  get apiError(): ApiErrorBody | null {
    return isApiErrorBody(this.body) ? this.body : null;
  }
}

export function isHttpError(
  value: unknown,
  status?: number,
): value is HttpError {
  return (
    value instanceof HttpError &&
    (status === undefined || value.status === status)
  );
}

function isApiErrorBody(body: unknown): body is ApiErrorBody {
  return (
    typeof body === 'object' &&
    body !== null &&
    typeof (body as ApiErrorBody).statusCode === 'number'
  );
}

function describe(status: number, body: unknown): string {
  if (status === 0) return 'No answer from the server';
  if (isApiErrorBody(body)) {
    const message = Array.isArray(body.message)
      ? body.message.join(', ')
      : body.message;
    if (message) return message;
  }
  return `Request failed with status ${status}`;
}

export interface RequestOptions extends Omit<RequestInit, 'body'> {
  /** Sent as a JSON body with `Content-Type: application/json`. */
  json?: unknown;
}

async function readBody(response: Response): Promise<unknown> {
  if (response.status === 204 || response.status === 205) return undefined;
  const text = await response.text();
  if (!text) return undefined;
  const type = response.headers.get('content-type') ?? '';
  if (!type.includes('json')) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * `fetch` for the same-origin API: sends cookies, asks for JSON, parses the
 * answer and throws an {@link HttpError} for anything but a 2xx.
 */
export async function request<T>(
  url: string,
  { json, headers, ...init }: RequestOptions = {},
): Promise<T> {
  const finalHeaders = new Headers(headers);
  if (!finalHeaders.has('Accept'))
    finalHeaders.set('Accept', 'application/json');
  let body: string | undefined;
  if (json !== undefined) {
    finalHeaders.set('Content-Type', 'application/json');
    body = JSON.stringify(json);
  }

  let response: Response;
  try {
    response = await fetch(url, {
      credentials: 'same-origin',
      ...init,
      headers: finalHeaders,
      body,
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError')
      throw cause;
    throw new HttpError(0, null, 'No answer from the server');
  }

  const parsed = await readBody(response).catch(() => undefined);
  if (!response.ok) throw new HttpError(response.status, parsed ?? null);
  return parsed as T;
}
