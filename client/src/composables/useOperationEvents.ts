import {
  computed,
  getCurrentScope,
  onScopeDispose,
  ref,
  shallowRef,
  type ComputedRef,
  type Ref,
  type ShallowRef,
} from 'vue';
import {
  getOperation,
  isOperation,
  isTerminal,
  type Operation,
} from '@/api/auth';

/** Connection state, named like EventSource's readyState constants. */
export type EventSourceStatus = 'CONNECTING' | 'OPEN' | 'CLOSED';

const CLOSED = 2; // EventSource.CLOSED

export interface UseOperationEventsOptions {
  /**
   * Asked for the current operation when the stream ends up CLOSED before a
   * terminal status (e.g. the endpoint answered 404 or the proxy a 502).
   * `null` means "there is no attempt". Defaults to `GET /api/auth/operation`;
   * pass `null` to skip the check.
   */
  probe?: (() => Promise<Operation | null>) | null;
  /** First reopen delay; doubles per failed try up to `maxDelayMs`. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Reopen tries in a row (without a message in between) before giving up. */
  maxRetries?: number;
  /** Open right away (default) or wait for `open()`. */
  immediate?: boolean;
}

export interface UseOperationEventsReturn {
  status: Ref<EventSourceStatus>;
  /** The last operation received (from the stream or the probe). */
  data: ShallowRef<Operation | null>;
  /** The last error event or error; cleared by the next good message. */
  error: ShallowRef<Event | Error | null>;
  /** The server has no login attempt for this browser (404). */
  notFound: Ref<boolean>;
  /** Reconnecting was given up after `maxRetries` tries. */
  gaveUp: Ref<boolean>;
  /** `data` has a terminal status (`ok` or `error`). */
  terminal: ComputedRef<boolean>;
  open: () => void;
  close: () => void;
}

/**
 * Follows `GET /api/auth/operation/events`: each `status` event carries the
 * operation JSON. Relies on EventSource's own reconnection for dropped
 * streams, reopens (with a bounded backoff) when the EventSource ends up
 * CLOSED without a terminal status, and stops for good after `ok`/`error`.
 * Closes itself when the calling component / effect scope goes away.
 */
export function useOperationEvents(
  url: string,
  options: UseOperationEventsOptions = {},
): UseOperationEventsReturn {
  const {
    probe = getOperation,
    initialDelayMs = 1_000,
    maxDelayMs = 10_000,
    maxRetries = 10,
    immediate = true,
  } = options;

  const status = ref<EventSourceStatus>('CLOSED');
  const data = shallowRef<Operation | null>(null);
  const error = shallowRef<Event | Error | null>(null);
  const notFound = ref(false);
  const gaveUp = ref(false);
  const terminal = computed(
    () => !!data.value && isTerminal(data.value.status),
  );

  let source: EventSource | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let retries = 0;
  let stopped = true;

  function teardown(): void {
    clearTimeout(retryTimer);
    retryTimer = undefined;
    if (source) {
      const es = source;
      source = null;
      es.close();
    }
    status.value = 'CLOSED';
  }

  function stop(): void {
    stopped = true;
    teardown();
  }

  function accept(operation: Operation): void {
    data.value = operation;
    if (isTerminal(operation.status)) stop();
  }

  function connect(): void {
    teardown();
    if (stopped) return;
    if (typeof EventSource === 'undefined') {
      error.value = new Error('This browser does not support EventSource');
      gaveUp.value = true;
      stop();
      return;
    }

    const es = new EventSource(url);
    source = es;
    status.value = 'CONNECTING';

    es.onopen = () => {
      if (source === es) status.value = 'OPEN';
    };

    const onStatus = (event: MessageEvent) => {
      if (source !== es) return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(String(event.data));
      } catch {
        parsed = undefined;
      }
      if (!isOperation(parsed)) {
        error.value = new Error('Unreadable status event');
        return;
      }
      status.value = 'OPEN';
      error.value = null;
      retries = 0;
      accept(parsed);
    };
    es.addEventListener('status', onStatus as EventListener);
    es.addEventListener('message', onStatus as EventListener);

    es.onerror = (event) => {
      if (source !== es) return;
      error.value = event;
      if (es.readyState === CLOSED) {
        // EventSource gives up by itself on HTTP errors (404, 502…).
        source = null;
        es.close();
        status.value = 'CLOSED';
        void recover();
      } else {
        // Dropped stream: the browser reconnects on its own.
        status.value = 'CONNECTING';
      }
    };
  }

  async function recover(): Promise<void> {
    if (stopped) return;
    if (probe) {
      try {
        const operation = await probe();
        if (stopped) return;
        if (operation === null) {
          notFound.value = true;
          stop();
          return;
        }
        accept(operation);
        if (stopped) return;
      } catch (cause) {
        if (stopped) return;
        error.value = cause instanceof Error ? cause : new Error(String(cause));
      }
    }
    scheduleReopen();
  }

  function scheduleReopen(): void {
    if (retries >= maxRetries) {
      gaveUp.value = true;
      stop();
      return;
    }
    const delay = Math.min(maxDelayMs, initialDelayMs * 2 ** retries);
    retries++;
    clearTimeout(retryTimer);
    retryTimer = setTimeout(connect, delay);
  }

  function open(): void {
    stopped = false;
    retries = 0;
    notFound.value = false;
    gaveUp.value = false;
    connect();
  }

  if (getCurrentScope()) onScopeDispose(stop);
  if (immediate) open();

  return { status, data, error, notFound, gaveUp, terminal, open, close: stop };
}
