import type { ServerResponse } from 'node:http';

/** One server-sent event (W3C): `event:`, `id:`, `retry:` and JSON `data:`. */
export interface ServerSentEvent {
  event: string;
  id?: string;
  retry?: number;
  data: unknown;
}

/**
 * Node keeps the response's header block (`_header`) for the response's
 * whole life, as the rope of ~85 pieces it was concatenated from (~2.7 KB of
 * heap per open stream, measured). Reading one character makes V8 flatten it
 * into one string in place; nothing else changes.
 */
function flattenHeaderText(res: ServerResponse): void {
  const header = (res as ServerResponse & { _header?: unknown })._header;
  if (typeof header === 'string') header.charCodeAt(0);
}

/** Field values are one line each: a CR or LF would end the field early. */
const oneLine = (value: string | number) => String(value).replace(/[\r\n]/g, '');

/**
 * The wire form of one event. JSON.stringify never emits a raw newline, so
 * `data` is always one `data:` line.
 */
export function formatEvent({ event, id, retry, data }: ServerSentEvent): string {
  let text = `event: ${oneLine(event)}\n`;
  if (id !== undefined) text += `id: ${oneLine(id)}\n`;
  if (retry !== undefined) text += `retry: ${oneLine(retry)}\n`;
  return `${text}data: ${JSON.stringify(data)}\n\n`;
}

/**
 * Server-sent events written straight to the response: no Transform stream,
 * no rxjs chain per stream. The stream route holds thousands of these open at
 * once, and what each one keeps alive is its memory cost (docs/BENCHMARKS.md);
 * the format is four lines, so it is written here rather than through a library.
 */
export class EventStream {
  constructor(private readonly res: ServerResponse) {}

  /** 200 and the headers of an event stream (the same as Nest's @Sse sends), then a first empty line. */
  open(): void {
    this.res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      Connection: 'keep-alive',
      'Cache-Control': 'private, no-cache, no-store, must-revalidate, max-age=0, no-transform',
      Pragma: 'no-cache',
      Expire: '0',
      // Proxies such as nginx must pass each event on at once.
      'X-Accel-Buffering': 'no',
    });
    this.res.write('\n');
    flattenHeaderText(this.res);
  }

  get closed(): boolean {
    return this.res.writableEnded || this.res.destroyed;
  }

  send(event: ServerSentEvent): void {
    if (!this.closed) this.res.write(formatEvent(event));
  }

  end(): void {
    if (!this.closed) this.res.end();
  }
}
