import { AdmissionGate, type Admission, type AdmissionGateOptions } from './admission-gate';
import type { LoadProbe, LoadReading } from './load-probe';

/** A probe that reports what the test says, and counts its reads. */
class FakeProbe implements LoadProbe {
  reading: LoadReading = { loopDelayMs: 0, heapUsedRatio: 0.2 };
  reads = 0;
  closed = false;
  read(): LoadReading {
    this.reads++;
    return { ...this.reading };
  }
  close(): void {
    this.closed = true;
  }
}

const OPTIONS: AdmissionGateOptions = { minInFlight: 2, maxLoopDelayMs: 100, maxHeapUsedRatio: 0.85, tickMs: 100 };

function setup(options: Partial<AdmissionGateOptions> = {}) {
  const probe = new FakeProbe();
  const changes: Array<{ holding: boolean; inFlight: number; waiting: number }> = [];
  const gate = new AdmissionGate(
    probe,
    { ...OPTIONS, ...options },
    (holding, state) => changes.push({ holding, inFlight: state.inFlight, waiting: state.waiting }),
    () => Date.now(),
  ).start();
  /** Asks for n admissions; `admitted` fills in as they are granted. */
  const ask = (n: number, signal?: AbortSignal) => {
    const admitted: Admission[] = [];
    const failed: unknown[] = [];
    for (let i = 0; i < n; i++)
      gate.admit(signal).then(
        (a) => admitted.push(a),
        (e: unknown) => failed.push(e),
      );
    return { admitted, failed };
  };
  return { gate, probe, changes, ask };
}

/** Lets the gate's timers and promise callbacks run. */
const advance = (ms: number) => jest.advanceTimersByTimeAsync(ms);

describe(AdmissionGate.name, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('admits a whole burst at once while the loop keeps up: no small constant in the way', async () => {
    const { gate, ask, changes } = setup();
    const burst = ask(300);
    await advance(0);
    expect(burst.admitted).toHaveLength(300);
    expect(burst.admitted.every((a) => a.waitedMs === 0)).toBe(true);
    expect(gate.state).toMatchObject({ inFlight: 300, waiting: 0 });
    expect(changes).toEqual([]);
    gate.close();
  });

  it('makes new exchanges wait while the event loop is late, and admits them oldest first once it recovers', async () => {
    const { gate, probe, ask, changes } = setup();
    const running = ask(10);
    await advance(0);
    probe.reading.loopDelayMs = 250;
    await advance(100); // the tick reads the late loop
    const later = ask(30);
    await advance(300);
    expect(later.admitted).toHaveLength(0);
    expect(gate.state).toMatchObject({ inFlight: 10, waiting: 30 });
    expect(changes).toEqual([{ holding: true, inFlight: 10, waiting: 1 }]);

    probe.reading.loopDelayMs = 20;
    await advance(100);
    // In flight at most doubles per tick: 10 more now…
    expect(later.admitted).toHaveLength(10);
    expect(later.admitted.every((a) => a.waitedMs >= 300)).toBe(true);
    await advance(100);
    // …then 20, which is all that was left.
    expect(later.admitted).toHaveLength(30);
    expect(gate.state).toMatchObject({ inFlight: 40, waiting: 0 });
    expect(changes.at(-1)).toEqual({ holding: false, inFlight: 40, waiting: 0 });
    running.admitted.forEach((a) => a.release());
    gate.close();
  });

  it('always admits minInFlight, however loaded, so the worker keeps making progress', async () => {
    const { gate, probe, ask } = setup({ minInFlight: 3 });
    probe.reading.loopDelayMs = 5000;
    await advance(100);
    const held = ask(5);
    await advance(1000);
    expect(held.admitted).toHaveLength(3);
    // One finishes: the next one waiting takes its place, still under overload.
    held.admitted[0].release();
    held.admitted[0].release(); // a second release changes nothing
    await advance(0);
    expect(held.admitted).toHaveLength(4);
    expect(gate.state).toMatchObject({ inFlight: 3, waiting: 1 });
    gate.close();
  });

  it('holds new exchanges while the heap is nearly full', async () => {
    const { gate, probe, ask } = setup({ minInFlight: 1 });
    probe.reading.heapUsedRatio = 0.95;
    await advance(100);
    const held = ask(3);
    await advance(500);
    expect(held.admitted).toHaveLength(1);
    probe.reading.heapUsedRatio = 0.5;
    await advance(100);
    expect(held.admitted).toHaveLength(2); // in flight doubles: 1 → 2
    await advance(100);
    expect(held.admitted).toHaveLength(3);
    gate.close();
  });

  it('holds new exchanges while the loop is stalled right now, before any reading shows it', async () => {
    const { gate, ask } = setup({ minInFlight: 1 });
    const first = ask(1);
    await advance(0);
    // The clock moves but no timer runs: a synchronous stall of 400 ms.
    jest.setSystemTime(Date.now() + 400);
    const during = ask(2);
    await Promise.resolve();
    expect(during.admitted).toHaveLength(0);
    // The overdue tick reads a loop that is on time again, and admits them (1 → 2 → 3 in flight).
    await advance(100);
    expect(during.admitted).toHaveLength(1);
    await advance(100);
    expect(during.admitted).toHaveLength(2);
    first.admitted[0].release();
    gate.close();
  });

  it('admits a waiting exchange when a running one finishes and the load allows it', async () => {
    const { gate, probe, ask } = setup({ minInFlight: 1 });
    const running = ask(4);
    await advance(0);
    probe.reading.loopDelayMs = 150;
    await advance(100);
    const waiting = ask(2);
    await advance(0);
    expect(waiting.admitted).toHaveLength(0);
    running.admitted[0].release(); // still late: it waits
    await advance(0);
    expect(waiting.admitted).toHaveLength(0);
    probe.reading.loopDelayMs = 0;
    gate.tick();
    await advance(0);
    expect(waiting.admitted).toHaveLength(2);
    gate.close();
  });

  it('lets a waiting exchange go when its signal aborts (its job lock is lost), without disturbing the others', async () => {
    const { gate, probe, ask, changes } = setup({ minInFlight: 1 });
    ask(1);
    probe.reading.loopDelayMs = 1000;
    await advance(100);
    const lockLost = new AbortController();
    const aborted = ask(1, lockLost.signal);
    const other = ask(1);
    await advance(0);
    lockLost.abort(new Error("lost the job's lock"));
    await advance(0);
    expect(aborted.failed).toEqual([new Error("lost the job's lock")]);
    expect(gate.state.waiting).toBe(1);
    probe.reading.loopDelayMs = 0;
    await advance(100);
    expect(other.admitted).toHaveLength(1);
    expect(changes.map((c) => c.holding)).toEqual([true, false]);
    // An already aborted signal never waits.
    await expect(gate.admit(lockLost.signal)).rejects.toThrow("lost the job's lock");
    gate.close();
  });

  it('reads the probe every tick and stops on close', async () => {
    const { gate, probe } = setup();
    await advance(1000);
    expect(probe.reads).toBe(10);
    gate.close();
    await advance(1000);
    expect(probe.reads).toBe(10);
    expect(probe.closed).toBe(true);
  });
});
