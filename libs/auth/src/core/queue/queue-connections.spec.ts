import { EventEmitter } from 'node:events';
import type { Queue } from 'bull';
import { untilQueueReconnected } from './queue-connections';

/** A connection as far as the wait looks at it: a status, and the 'ready' event. */
class FakeConnection extends EventEmitter {
  constructor(public status: string) {
    super();
  }
  ready(): void {
    this.status = 'ready';
    this.emit('ready');
  }
}

const queueOf = (...clients: FakeConnection[]) => ({ clients }) as unknown as Queue;

describe(untilQueueReconnected.name, () => {
  afterEach(() => jest.useRealTimers());

  it('returns at once when every connection is up (or ended)', async () => {
    jest.useFakeTimers();
    const waiting = untilQueueReconnected(queueOf(new FakeConnection('ready'), new FakeConnection('end')), 3000);
    await expect(waiting).resolves.toEqual({ waitedFor: 0, back: true });
  });

  it('waits for connections on their way back (or ended), and leaves no listener behind', async () => {
    const back = new FakeConnection('reconnecting');
    const connecting = new FakeConnection('connecting');
    const ending = new FakeConnection('reconnecting');
    let done = false;
    const waiting = untilQueueReconnected(queueOf(back, connecting, ending, new FakeConnection('ready')), 60_000);
    void waiting.then(() => (done = true));
    back.ready();
    ending.emit('end');
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toBe(false);
    connecting.ready();
    await expect(waiting).resolves.toEqual({ waitedFor: 3, back: true });
    for (const connection of [back, connecting, ending]) {
      expect(connection.listenerCount('ready') + connection.listenerCount('end')).toBe(0);
    }
  });

  it('goes on after waitMs when Redis is still away', async () => {
    jest.useFakeTimers();
    const away = new FakeConnection('reconnecting');
    let done = false;
    const waiting = untilQueueReconnected(queueOf(away), 3000);
    void waiting.then(() => (done = true));
    await jest.advanceTimersByTimeAsync(2999);
    expect(done).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await expect(waiting).resolves.toEqual({ waitedFor: 1, back: false });
    expect(away.listenerCount('ready')).toBe(0);
  });
});
