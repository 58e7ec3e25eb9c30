import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { EventStream, formatEvent } from './event-stream';

describe(formatEvent.name, () => {
  it('writes event, id, retry and one JSON data line, then the blank line that ends the event', () => {
    expect(formatEvent({ event: 'status', id: 'ok', data: { id: 'op', status: 'ok' } })).toBe(
      'event: status\nid: ok\ndata: {"id":"op","status":"ok"}\n\n',
    );
    expect(formatEvent({ event: 'reconnect', retry: 500, data: {} })).toBe(
      'event: reconnect\nretry: 500\ndata: {}\n\n',
    );
  });

  it('keeps a field to one line whatever it holds, and data to one line even with newlines in it', () => {
    const text = formatEvent({ event: 'st\natus', id: 'a\r\nb', data: { message: 'two\nlines' } });
    expect(text).toBe('event: status\nid: ab\ndata: {"message":"two\\nlines"}\n\n');
    expect(text.split('\n\n')).toHaveLength(2);
  });
});

describe(EventStream.name, () => {
  function fakeResponse() {
    const res = Object.assign(new EventEmitter(), {
      writableEnded: false,
      destroyed: false,
      head: undefined as undefined | { status: number; headers: Record<string, string> },
      written: [] as string[],
      writeHead(status: number, headers: Record<string, string>) {
        res.head = { status, headers };
      },
      write(chunk: string) {
        res.written.push(chunk);
        return true;
      },
      end() {
        res.writableEnded = true;
      },
    });
    return res;
  }

  it('opens with the event-stream headers, sends events and ends', () => {
    const res = fakeResponse();
    const stream = new EventStream(res as unknown as ServerResponse);
    stream.open();
    expect(res.head).toMatchObject({
      status: 200,
      headers: { 'Content-Type': 'text/event-stream', 'X-Accel-Buffering': 'no' },
    });
    stream.send({ event: 'status', id: 'pending', data: { status: 'pending' } });
    stream.end();
    expect(res.written).toEqual(['\n', 'event: status\nid: pending\ndata: {"status":"pending"}\n\n']);
    expect(res.writableEnded).toBe(true);
  });

  it('writes nothing once the browser has gone', () => {
    const res = fakeResponse();
    const stream = new EventStream(res as unknown as ServerResponse);
    stream.open();
    res.destroyed = true;
    stream.send({ event: 'status', data: {} });
    stream.end();
    expect(res.written).toEqual(['\n']);
    expect(res.writableEnded).toBe(false);
  });
});
