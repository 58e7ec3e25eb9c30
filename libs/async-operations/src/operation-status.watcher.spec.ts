import { EventEmitter2 } from '@nestjs/event-emitter';
import { OperationStatusId } from './async-operation-status.entity';
import type { AsyncOperation } from './async-operation.entity';
import { OPERATION_STATUS_RESYNC_EVENT, operationStatusEvent } from './async-operations.constants';
import type { AsyncOperationsService } from './async-operations.service';
import { OperationStatusWatcher, REREAD_BATCH_SIZE } from './operation-status.watcher';
import type { OperationView } from './operation-view';

const pending = (publicId: string) => ({ publicId, statusId: OperationStatusId.Pending }) as AsyncOperation;
const ok = (publicId: string) => ({ publicId, statusId: OperationStatusId.Ok }) as AsyncOperation;

/** Lets the watcher's pending reads resolve and its setImmediate completions run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

function setup(rows: Map<string, AsyncOperation>) {
  const findManyByPublicIds = jest.fn((ids: string[]) =>
    Promise.resolve(ids.flatMap((id) => (rows.has(id) ? [rows.get(id)!] : []))),
  );
  const events = new EventEmitter2();
  const watcher = new OperationStatusWatcher({ findManyByPublicIds } as unknown as AsyncOperationsService, events);
  /** Subscribes and records what the stream receives. */
  const open = (publicId: string) => {
    const received: OperationView[] = [];
    const stream = { received, completed: false };
    const subscription = watcher.watch(publicId).subscribe({
      next: (view) => received.push(view),
      complete: () => (stream.completed = true),
    });
    return Object.assign(stream, { close: () => subscription.unsubscribe() });
  };
  return { watcher, events, findManyByPublicIds, open };
}

describe(OperationStatusWatcher.name, () => {
  afterEach(() => jest.useRealTimers());

  it('sends the snapshot, then the change, then completes', async () => {
    const rows = new Map([['op', pending('op')]]);
    const { events, open } = setup(rows);
    const stream = open('op');
    await settle();
    expect(stream.received).toEqual([{ id: 'op', status: 'pending' }]);

    events.emit(operationStatusEvent('op'), { id: 'op', status: 'ok' });
    expect(stream.received).toEqual([
      { id: 'op', status: 'pending' },
      { id: 'op', status: 'ok' },
    ]);
    await settle();
    expect(stream.completed).toBe(true);
  });

  it('never repeats a status, and ignores anything after the terminal one', async () => {
    const { events, open } = setup(new Map([['op', pending('op')]]));
    const stream = open('op');
    await settle();
    events.emit(operationStatusEvent('op'), { id: 'op', status: 'pending' });
    events.emit(operationStatusEvent('op'), { id: 'op', status: 'ok' });
    events.emit(operationStatusEvent('op'), { id: 'op', status: 'error', error: { code: 'x', message: 'x' } });
    expect(stream.received.map((view) => view.status)).toEqual(['pending', 'ok']);
  });

  it('keeps one listener per watched operation however many streams watch it, and drops it with the last', async () => {
    const { events, watcher, open } = setup(new Map([['op', pending('op')]]));
    const streams = Array.from({ length: 1000 }, () => open('op'));
    await settle();
    expect(events.listenerCount(operationStatusEvent('op'))).toBe(1);
    expect(watcher.streamCount).toBe(1000);

    events.emit(operationStatusEvent('op'), { id: 'op', status: 'ok' });
    expect(streams.every((stream) => stream.received.at(-1)?.status === 'ok')).toBe(true);
    await settle();
    expect(streams.every((stream) => stream.completed)).toBe(true);
    expect(watcher.streamCount).toBe(0);
    expect(events.listenerCount(operationStatusEvent('op'))).toBe(0);
  });

  it('re-reads every watched operation on one timer, in batched queries', async () => {
    jest.useFakeTimers();
    const ids = Array.from({ length: REREAD_BATCH_SIZE + 10 }, (_, i) => `op${i}`);
    const rows = new Map(ids.map((id) => [id, pending(id)]));
    const { watcher, findManyByPublicIds, open } = setup(rows);
    const streams = ids.map((id) => open(id));
    await jest.advanceTimersByTimeAsync(0);
    findManyByPublicIds.mockClear();

    rows.set('op3', ok('op3'));
    await jest.advanceTimersByTimeAsync(watcher.rereadIntervalMs);
    expect(findManyByPublicIds.mock.calls.map(([batch]) => batch.length)).toEqual([REREAD_BATCH_SIZE, 10]);
    expect(streams[3].received.at(-1)).toEqual({ id: 'op3', status: 'ok' });
    expect(streams[4].received).toEqual([{ id: 'op4', status: 'pending' }]);
  });

  it('stops re-reading once no stream is open', async () => {
    jest.useFakeTimers();
    const { watcher, findManyByPublicIds, open } = setup(new Map([['op', pending('op')]]));
    const stream = open('op');
    await jest.advanceTimersByTimeAsync(0);
    stream.close();
    findManyByPublicIds.mockClear();
    await jest.advanceTimersByTimeAsync(watcher.rereadIntervalMs * 3);
    expect(findManyByPublicIds).not.toHaveBeenCalled();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('re-reads at once when the status subscription reconnects', async () => {
    const rows = new Map([['op', pending('op')]]);
    const { events, open } = setup(rows);
    const stream = open('op');
    await settle();
    rows.set('op', ok('op'));
    events.emit(OPERATION_STATUS_RESYNC_EVENT);
    await settle();
    expect(stream.received.at(-1)).toEqual({ id: 'op', status: 'ok' });
  });

  it('keeps the stream open when a re-read fails', async () => {
    const { findManyByPublicIds, events, open } = setup(new Map([['op', pending('op')]]));
    findManyByPublicIds.mockRejectedValueOnce(new Error('Queue limit reached'));
    const stream = open('op');
    await settle();
    expect(stream.received).toEqual([]);
    expect(stream.completed).toBe(false);
    events.emit(operationStatusEvent('op'), { id: 'op', status: 'ok' });
    expect(stream.received).toEqual([{ id: 'op', status: 'ok' }]);
  });

  it('ignores a stale pending snapshot that arrives after the terminal event (it listens before it reads)', async () => {
    let answer!: (rows: AsyncOperation[]) => void;
    const { findManyByPublicIds, events, open } = setup(new Map());
    findManyByPublicIds.mockReturnValueOnce(new Promise((resolve) => (answer = resolve)));
    const stream = open('op');
    events.emit(operationStatusEvent('op'), { id: 'op', status: 'ok' });
    answer([pending('op')]);
    await settle();
    expect(stream.received).toEqual([{ id: 'op', status: 'ok' }]);
    expect(stream.completed).toBe(true);
  });

  it('does not start a new re-read while the last one is still waiting on the database', async () => {
    jest.useFakeTimers();
    const { watcher, findManyByPublicIds, open } = setup(new Map([['op', pending('op')]]));
    open('op');
    await jest.advanceTimersByTimeAsync(0);
    findManyByPublicIds.mockClear();
    findManyByPublicIds.mockReturnValueOnce(new Promise(() => undefined)); // a database that hangs
    await jest.advanceTimersByTimeAsync(watcher.rereadIntervalMs * 3);
    expect(findManyByPublicIds).toHaveBeenCalledTimes(1);
  });

  describe('open(): listening before the caller reads the snapshot itself', () => {
    const listen = () => {
      const received: OperationView[] = [];
      const listener = {
        received,
        ended: false,
        next: (view: OperationView) => received.push(view),
        end: () => (listener.ended = true),
      };
      return listener;
    };

    it('delivers the snapshot, reads nothing itself, and then every change', async () => {
      const { watcher, events, findManyByPublicIds } = setup(new Map([['op', pending('op')]]));
      const watch = watcher.open('op');
      const listener = listen();
      watch.start({ id: 'op', status: 'pending' }, listener);
      events.emit(operationStatusEvent('op'), { id: 'op', status: 'ok' });
      await settle();
      expect(listener.received).toEqual([
        { id: 'op', status: 'pending' },
        { id: 'op', status: 'ok' },
      ]);
      expect(listener.ended).toBe(true);
      expect(findManyByPublicIds).not.toHaveBeenCalled();
      watch.close();
    });

    it('keeps a change heard between open() and start() (the snapshot read was already stale)', async () => {
      const { watcher, events } = setup(new Map());
      const watch = watcher.open('op');
      events.emit(operationStatusEvent('op'), { id: 'op', status: 'ok' });
      const listener = listen();
      watch.start({ id: 'op', status: 'pending' }, listener);
      await settle();
      expect(listener.received.map((view) => view.status)).toEqual(['pending', 'ok']);
      expect(listener.ended).toBe(true);
      watch.close();
    });

    it('stops listening at close(), before or after start()', () => {
      const { watcher, events } = setup(new Map());
      const early = watcher.open('op');
      early.close();
      const listener = listen();
      early.start({ id: 'op', status: 'pending' }, listener);
      expect(listener).toMatchObject({ received: [], ended: true });

      const late = watcher.open('op');
      late.start({ id: 'op', status: 'pending' }, listen());
      expect(watcher.streamsOf('op')).toBe(1);
      late.close();
      late.close();
      expect(watcher.streamsOf('op')).toBe(0);
      expect(watcher.streamCount).toBe(0);
      expect(events.listenerCount(operationStatusEvent('op'))).toBe(0);
    });
  });

  it('calls each shutdown listener once at shutdown, and at once for one registered after it', () => {
    const { watcher } = setup(new Map());
    const first = jest.fn();
    const removed = jest.fn();
    watcher.onShutdown(first);
    watcher.onShutdown(removed)();
    watcher.beforeApplicationShutdown();
    expect(first).toHaveBeenCalledTimes(1);
    expect(removed).not.toHaveBeenCalled();
    const late = jest.fn();
    watcher.onShutdown(late);
    expect(late).toHaveBeenCalledTimes(1);
  });

  it('stops re-reading at shutdown, and never starts again for streams opened after it', async () => {
    jest.useFakeTimers();
    const { watcher, open } = setup(new Map([['op', pending('op')]]));
    open('op');
    expect(watcher.closing).toBe(false);
    watcher.beforeApplicationShutdown();
    expect(watcher.closing).toBe(true);
    open('op');
    expect(jest.getTimerCount()).toBe(0);
  });
});
