import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, effectScope, h, nextTick } from 'vue';
import { mount } from '@vue/test-utils';
import type { Operation } from '@/api/auth';
import { FakeEventSource } from '@/test/FakeEventSource';
import {
  useOperationEvents,
  type UseOperationEventsOptions,
} from './useOperationEvents';

const URL = '/api/auth/operation/events';
const pending: Operation = { id: 'op-1', status: 'pending' };
const ok: Operation = { id: 'op-1', status: 'ok' };
const failed: Operation = {
  id: 'op-1',
  status: 'error',
  error: { code: 'access_denied', message: 'User cancelled' },
};

/** Lets the probe's promise chain settle under fake timers. */
async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

describe('useOperationEvents', () => {
  const scopes: ReturnType<typeof effectScope>[] = [];

  function setup(options: UseOperationEventsOptions = {}) {
    const scope = effectScope();
    scopes.push(scope);
    return scope.run(() =>
      useOperationEvents(URL, { probe: null, ...options }),
    )!;
  }

  beforeEach(() => {
    vi.useFakeTimers();
    FakeEventSource.install();
  });

  afterEach(() => {
    scopes.splice(0).forEach((scope) => scope.stop());
    vi.useRealTimers();
  });

  it('opens the URL and parses status events', () => {
    const events = setup();
    expect(FakeEventSource.instances).toHaveLength(1);
    expect(FakeEventSource.last.url).toBe(URL);
    expect(events.status.value).toBe('CONNECTING');

    FakeEventSource.last.open();
    expect(events.status.value).toBe('OPEN');

    FakeEventSource.last.emit('status', pending);
    expect(events.data.value).toEqual(pending);
    expect(events.terminal.value).toBe(false);
    expect(events.error.value).toBeNull();
  });

  it('surfaces errors and unreadable events', () => {
    const events = setup();
    FakeEventSource.last.emit('status', 'not json');
    expect(events.error.value).toBeInstanceOf(Error);
    expect(events.data.value).toBeNull();

    FakeEventSource.last.fail(FakeEventSource.CONNECTING);
    expect(events.error.value).toBeInstanceOf(Event);
    expect(events.status.value).toBe('CONNECTING');
    // The browser reconnects by itself: no new EventSource from us.
    vi.advanceTimersByTime(60_000);
    expect(FakeEventSource.instances).toHaveLength(1);
  });

  it('reopens with a backoff after a CLOSED error without a terminal status', async () => {
    const events = setup({ initialDelayMs: 1_000, maxDelayMs: 4_000 });
    FakeEventSource.last.emit('status', pending);
    FakeEventSource.last.fail(FakeEventSource.CLOSED);
    await flush();
    expect(events.status.value).toBe('CLOSED');
    expect(FakeEventSource.instances[0]!.close).toHaveBeenCalled();

    vi.advanceTimersByTime(999);
    expect(FakeEventSource.instances).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(FakeEventSource.instances).toHaveLength(2);
    expect(events.status.value).toBe('CONNECTING');

    // Fails again: the delay doubles.
    FakeEventSource.last.fail(FakeEventSource.CLOSED);
    await flush();
    vi.advanceTimersByTime(1_999);
    expect(FakeEventSource.instances).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(FakeEventSource.instances).toHaveLength(3);

    // On reconnect the server sends the current status first.
    FakeEventSource.last.emit('status', ok);
    expect(events.data.value).toEqual(ok);
    expect(events.terminal.value).toBe(true);
  });

  it('gives up after maxRetries reopen tries', async () => {
    const events = setup({ initialDelayMs: 10, maxRetries: 2 });
    for (let i = 0; i < 3; i++) {
      FakeEventSource.last.fail(FakeEventSource.CLOSED);
      await flush();
      vi.advanceTimersByTime(1_000);
    }
    expect(FakeEventSource.instances).toHaveLength(3);
    expect(events.gaveUp.value).toBe(true);
    expect(events.status.value).toBe('CLOSED');
  });

  it.each([
    ['ok', ok],
    ['error', failed],
  ])('closes for good after a terminal status (%s)', async (_, terminal) => {
    const events = setup();
    FakeEventSource.last.emit('status', pending);
    FakeEventSource.last.emit('status', terminal);

    expect(events.data.value).toEqual(terminal);
    expect(events.status.value).toBe('CLOSED');
    expect(FakeEventSource.last.close).toHaveBeenCalled();

    // The server ends the stream; a late error must not reopen it.
    FakeEventSource.last.fail(FakeEventSource.CLOSED);
    await flush();
    vi.advanceTimersByTime(120_000);
    expect(FakeEventSource.instances).toHaveLength(1);
  });

  it('reports a missing attempt (404) found by the probe and stops', async () => {
    const probe = vi.fn().mockResolvedValue(null);
    const events = setup({ probe });
    FakeEventSource.last.fail(FakeEventSource.CLOSED);
    await flush();

    expect(probe).toHaveBeenCalledOnce();
    expect(events.notFound.value).toBe(true);
    vi.advanceTimersByTime(120_000);
    expect(FakeEventSource.instances).toHaveLength(1);
  });

  it('takes a terminal status from the probe without reopening', async () => {
    const probe = vi.fn().mockResolvedValue(ok);
    const events = setup({ probe });
    FakeEventSource.last.fail(FakeEventSource.CLOSED);
    await flush();

    expect(events.data.value).toEqual(ok);
    vi.advanceTimersByTime(120_000);
    expect(FakeEventSource.instances).toHaveLength(1);
  });

  it('keeps reopening when the probe fails (server down)', async () => {
    const probe = vi.fn().mockRejectedValue(new Error('down'));
    const events = setup({ probe, initialDelayMs: 100 });
    FakeEventSource.last.fail(FakeEventSource.CLOSED);
    await flush();
    expect(events.error.value).toEqual(new Error('down'));
    vi.advanceTimersByTime(100);
    expect(FakeEventSource.instances).toHaveLength(2);
  });

  it('close() stops everything', async () => {
    const events = setup();
    events.close();
    expect(FakeEventSource.last.close).toHaveBeenCalled();
    expect(events.status.value).toBe('CLOSED');
    FakeEventSource.last.fail(FakeEventSource.CLOSED);
    await flush();
    vi.advanceTimersByTime(120_000);
    expect(FakeEventSource.instances).toHaveLength(1);
  });

  it('closes when the component using it unmounts', async () => {
    const Probe = defineComponent({
      setup() {
        const { data } = useOperationEvents(URL, { probe: null });
        return () => h('p', data.value?.status ?? 'none');
      },
    });
    const wrapper = mount(Probe);
    FakeEventSource.last.emit('status', pending);
    await nextTick();
    expect(wrapper.text()).toBe('pending');

    wrapper.unmount();
    expect(FakeEventSource.last.close).toHaveBeenCalled();
    FakeEventSource.last.fail(FakeEventSource.CLOSED);
    vi.advanceTimersByTime(120_000);
    expect(FakeEventSource.instances).toHaveLength(1);
  });
});
