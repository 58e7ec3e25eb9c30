import { vi } from 'vitest';

type Listener = (event: Event) => void;

/**
 * A controllable stand-in for the browser's EventSource. Install it with
 * `FakeEventSource.install()`; every instance is kept in `instances`.
 */
export class FakeEventSource {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  static instances: FakeEventSource[] = [];

  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readonly CLOSED = 2;

  readyState = 0;
  readonly withCredentials = false;
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  private readonly listeners = new Map<string, Set<Listener>>();

  readonly close = vi.fn(() => {
    this.readyState = FakeEventSource.CLOSED;
  });

  constructor(readonly url: string) {
    FakeEventSource.instances.push(this);
  }

  static install(): void {
    FakeEventSource.instances = [];
    vi.stubGlobal('EventSource', FakeEventSource);
  }

  static get last(): FakeEventSource {
    const last = FakeEventSource.instances.at(-1);
    if (!last) throw new Error('No EventSource was opened');
    return last;
  }

  addEventListener(type: string, listener: Listener): void {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)!.add(listener);
  }

  removeEventListener(type: string, listener: Listener): void {
    this.listeners.get(type)?.delete(listener);
  }

  private dispatch(type: string, event: Event): void {
    const handler = (this as unknown as Record<string, unknown>)[`on${type}`];
    if (typeof handler === 'function') handler.call(this, event);
    this.listeners.get(type)?.forEach((listener) => listener(event));
  }

  /** The server accepted the stream. */
  open(): void {
    this.readyState = FakeEventSource.OPEN;
    this.dispatch('open', new Event('open'));
  }

  /** A message with `event: <type>` and `data: <data>` (objects are JSON-encoded). */
  emit(type: string, data: unknown): void {
    if (this.readyState !== FakeEventSource.OPEN) this.open();
    const text = typeof data === 'string' ? data : JSON.stringify(data);
    this.dispatch(type, new MessageEvent(type, { data: text }));
  }

  /** A dropped stream the browser will retry (CONNECTING) or a fatal one (CLOSED). */
  fail(readyState: 0 | 2 = FakeEventSource.CLOSED): void {
    this.readyState = readyState;
    this.dispatch('error', new Event('error'));
  }
}
