import type { MessageEvent } from '@nestjs/common';
import { Subject } from 'rxjs';
import { SHUTDOWN_RETRY_MS, endOnShutdown } from './auth-api.controller';

function collect(closing: boolean) {
  const events = new Subject<MessageEvent>();
  const shuttingDown = new Subject<void>();
  const received: MessageEvent[] = [];
  let completed = false;
  endOnShutdown(events, { shuttingDown, closing }).subscribe({
    next: (event) => received.push(event),
    complete: () => (completed = true),
  });
  return { events, shuttingDown, received, isCompleted: () => completed };
}

describe(endOnShutdown.name, () => {
  const reconnect = { type: 'reconnect', data: {}, retry: SHUTDOWN_RETRY_MS };

  it('passes the statuses through, then says reconnect and ends when the process shuts down', () => {
    const { events, shuttingDown, received, isCompleted } = collect(false);
    events.next({ type: 'status', data: { status: 'pending' } });
    shuttingDown.next();
    events.next({ type: 'status', data: { status: 'ok' } });
    expect(received).toEqual([{ type: 'status', data: { status: 'pending' } }, reconnect]);
    expect(isCompleted()).toBe(true);
  });

  it('ends a stream that opens while the process is already shutting down at once', () => {
    const { events, received, isCompleted } = collect(true);
    events.next({ type: 'status', data: { status: 'pending' } });
    expect(received).toEqual([reconnect]);
    expect(isCompleted()).toBe(true);
  });
});
