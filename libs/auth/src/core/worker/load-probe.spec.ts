import { setTimeout as sleep } from 'node:timers/promises';
import { EventLoopLoadProbe } from './load-probe';

const stall = (ms: number) => {
  const end = Date.now() + ms;
  while (Date.now() < end);
};

describe(EventLoopLoadProbe.name, () => {
  it('reads an idle loop as on time, and a real stall as late', async () => {
    const probe = new EventLoopLoadProbe(100);
    try {
      await sleep(100);
      probe.read();
      await sleep(100);
      const idle = probe.read();
      expect(idle.loopDelayMs).toBeLessThan(150); // generous: the machine may be busy
      expect(idle.heapUsedRatio).toBeGreaterThan(0);
      expect(idle.heapUsedRatio).toBeLessThan(1);

      // A stall right after a read: the histogram forgets the first sample after
      // a reset, so it is the read, 200 ms later than its 100 ms period, that shows it.
      stall(300);
      await sleep(0);
      expect(probe.read().loopDelayMs).toBeGreaterThanOrEqual(190);

      // A stall in the middle of a window: the histogram's timer sees it.
      await sleep(30);
      probe.read();
      await sleep(30);
      stall(200);
      await sleep(60);
      expect(probe.read().loopDelayMs).toBeGreaterThanOrEqual(150);
    } finally {
      probe.close();
    }
  });
});
