import { EventEmitter2 } from '@nestjs/event-emitter';
import {
  OperationStatusWatcher,
  operationStatusEvent,
  type AsyncOperationsService,
  type OperationView,
} from '@app/async-operations';
import { MetricsRegistry } from '@app/observability';
import { OpenEventStreams } from './open-event-streams';

/** Lets the watcher's setImmediate end run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe(OpenEventStreams.name, () => {
  let watcher: OperationStatusWatcher;
  // Stops the watcher's re-read timer.
  afterEach(() => watcher.beforeApplicationShutdown());

  const setup = () => {
    const events = new EventEmitter2();
    const findManyByPublicIds = () => Promise.resolve([]);
    watcher = new OperationStatusWatcher({ findManyByPublicIds } as unknown as AsyncOperationsService, events);
    const metrics = new MetricsRegistry();
    new OpenEventStreams(metrics, watcher);
    const open = async () =>
      (await metrics.registry.getSingleMetric('afl_open_event_streams')!.get()).values.map((v) => v.value);
    /** What the stream route does: listen, start from the snapshot, and stop listening when the response closes. */
    const stream = (id: string) => {
      const watch = watcher.open(id);
      const pending: OperationView = { id, status: 'pending' };
      // The route ends the response at the end, and its close stops the watch.
      watch.start(pending, { next: () => undefined, end: () => watch.close() });
      return watch;
    };
    return { events, open, stream };
  };

  it('reads the open streams at scrape time', async () => {
    const { open, stream } = setup();
    expect(await open()).toEqual([0]);
    const first = stream('a');
    const second = stream('a');
    const third = stream('b');
    expect(await open()).toEqual([3]);
    first.close();
    expect(await open()).toEqual([2]);
    second.close();
    third.close();
    expect(await open()).toEqual([0]);
  });

  it('no longer counts a stream whose client went away', async () => {
    const { open, stream } = setup();
    const watch = stream('a');
    expect(await open()).toEqual([1]);
    // The response's close (a disconnect) stops the watch; a second close changes nothing.
    watch.close();
    watch.close();
    expect(await open()).toEqual([0]);
  });

  it('no longer counts a stream that ended after the final status', async () => {
    const { events, open, stream } = setup();
    stream('a');
    stream('b');
    events.emit(operationStatusEvent('a'), { id: 'a', status: 'ok' });
    await settle();
    expect(await open()).toEqual([1]);
    events.emit(operationStatusEvent('b'), { id: 'b', status: 'error', error: { code: 'x', message: 'x' } });
    await settle();
    expect(await open()).toEqual([0]);
  });
});
