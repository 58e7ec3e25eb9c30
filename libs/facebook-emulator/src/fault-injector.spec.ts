import { describe, expect, it } from '@jest/globals';
import { faultInputSchemaFor } from './emulator-knobs.schemas';
import { FaultInjector } from './fault-injector';

describe(FaultInjector.name, () => {
  it('keeps one queue per endpoint and copies a fault `times` times', () => {
    const faults = new FaultInjector(['a', 'b'] as const);
    faults.enqueue({ endpoint: 'a', kind: 'status', times: 2 });
    faults.enqueue({ endpoint: 'b', kind: 'spend-then-late', delayMs: 5 });
    expect(faults.list()).toEqual({
      a: [
        { kind: 'status', status: 500 },
        { kind: 'status', status: 500 },
      ],
      b: [{ kind: 'spend-then-late', delayMs: 5 }],
    });
    expect(faults.take('b')).toEqual({ kind: 'spend-then-late', delayMs: 5 });
    expect(faults.take('b')).toBeUndefined();
  });

  it('applies knob patches key by key and resets them', () => {
    const faults = new FaultInjector(['a'] as const);
    faults.setKnobs({ failureRate: 0.5 });
    faults.setKnobs({ latency: { fixedMs: 7 } });
    expect(faults.getKnobs()).toEqual({
      latency: { fixedMs: 7 },
      failureRate: 0.5,
    });
    expect(faults.sampleLatencyMs()).toBe(7);
    expect(faults.shouldInjectFailure(() => 0.4)).toBe(true);
    faults.setKnobs({ latency: null });
    expect(faults.sampleLatencyMs()).toBe(0);
    faults.reset();
    expect(faults.getKnobs()).toEqual({ latency: null, failureRate: 0 });
  });
});

describe(faultInputSchemaFor.name, () => {
  const schema = faultInputSchemaFor(['x', 'y', 'z'] as const, {
    distorting: ['y', 'z'],
    spending: ['x'],
  });

  it('enforces where each kind applies, naming the endpoints', () => {
    expect(schema.safeParse({ endpoint: 'y', kind: 'huge' }).success).toBe(true);
    expect(schema.safeParse({ endpoint: 'x', kind: 'spend-then-drop' }).success).toBe(true);
    const huge = schema.safeParse({ endpoint: 'x', kind: 'huge' });
    expect(huge.error?.issues[0].message).toBe("kinds 'huge' and 'missing-id' only apply to endpoints 'y' or 'z'");
    const spend = schema.safeParse({ endpoint: 'y', kind: 'spend-then-hang' });
    expect(spend.error?.issues[0].message).toBe("the spend-then-* kinds only apply to endpoint 'x'");
    expect(schema.safeParse({ endpoint: 'w', kind: 'status' }).success).toBe(false);
  });
});
