import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { Observable } from 'rxjs';
import {
  OPERATION_STATUS_RESYNC_EVENT,
  STREAM_REREAD_INTERVAL_MS,
  operationStatusEvent,
} from './async-operations.constants';
import { AsyncOperationsService } from './async-operations.service';
import { OperationView, isTerminal, toOperationView } from './operation-view';

/** Operations per `WHERE public_id IN (…)` in the periodic re-read. */
export const REREAD_BATCH_SIZE = 500;

type Push = (view: OperationView) => void;

/** Where a watch delivers: each status once, then `end()` after a terminal one. */
export interface StatusListener {
  next(view: OperationView): void;
  end(): void;
}

/** A watch started before its snapshot was read (OperationStatusWatcher.open). */
export interface OpenWatch {
  /** Delivers `snapshot`, then every newer status, to `listener`. */
  start(snapshot: OperationView, listener: StatusListener): void;
  /** Stops listening (idempotent). */
  close(): void;
}

/** The open streams of one operation, fed by one EventEmitter2 listener. */
interface WatchedOperation {
  streams: Set<Push>;
  fanOut: Push;
}

/**
 * The live status of one operation: the database snapshot first, then every
 * change, completing after a terminal status. It listens before it reads, so
 * a change that lands between the two is never missed, and it re-reads
 * slowly while pending and after the Redis subscription reconnects, so a lost
 * event only delays the news.
 *
 * Open streams are kept in one registry per process: one listener per
 * watched operation, one resync listener and one re-read timer for the
 * process, and the re-read fetches every watched operation in batched
 * queries. N open streams cost N set entries, not N timers, N listeners and
 * N/5 queries a second (which once overflowed the connection pool's queue
 * at 10,000 streams: docs/BENCHMARKS.md).
 */
@Injectable()
export class OperationStatusWatcher implements BeforeApplicationShutdown {
  private readonly logger = new Logger(OperationStatusWatcher.name);
  rereadIntervalMs = STREAM_REREAD_INTERVAL_MS;
  /** Called once when the process starts shutting down, so open streams can end politely. */
  private readonly shutdownListeners = new Set<() => void>();
  private openStreams = 0;
  private readonly watched = new Map<string, WatchedOperation>();
  private rereadTimer?: NodeJS.Timeout;
  private isClosing = false;
  /** The periodic re-read in progress, if any: a slow database must not pile up ticks. */
  private rereading?: Promise<void>;

  constructor(
    private readonly operations: AsyncOperationsService,
    private readonly events: EventEmitter2,
  ) {
    this.events.on(OPERATION_STATUS_RESYNC_EVENT, () => this.rereadAll());
  }

  get streamCount(): number {
    return this.openStreams;
  }

  /** How many streams of this process watch one operation (the stream route caps it). */
  streamsOf(publicId: string): number {
    return this.watched.get(publicId)?.streams.size ?? 0;
  }

  beforeApplicationShutdown(): void {
    if (this.openStreams) this.logger.log(`Ending ${this.openStreams} open stream(s) for shutdown`);
    this.isClosing = true;
    this.stopRereading();
    const listeners = [...this.shutdownListeners];
    this.shutdownListeners.clear();
    listeners.forEach((listener) => listener());
  }

  /** True once the process is shutting down: a stream opened now is ended at once. */
  get closing(): boolean {
    return this.isClosing;
  }

  /**
   * Calls `listener` when the process starts shutting down (at once if it
   * already has); returns what stops that. A Set, not a Subject: ten
   * thousand streams come and go without an array search each.
   */
  onShutdown(listener: () => void): () => void {
    if (this.isClosing) {
      listener();
      return () => undefined;
    }
    this.shutdownListeners.add(listener);
    return () => this.shutdownListeners.delete(listener);
  }

  watch(publicId: string): Observable<OperationView> {
    return new Observable<OperationView>((subscriber) => {
      const push = this.pushTo(
        { next: (view) => subscriber.next(view), end: () => subscriber.complete() },
        () => subscriber.closed,
      );
      const operation = this.register(publicId, push);
      void this.reread([publicId], push);
      return () => this.unregister(publicId, operation, push);
    });
  }

  /**
   * Listens from now on, for a caller that reads the operation itself (the
   * stream's ownership check): that read then serves as the snapshot, so
   * a stream costs one query, and no change after this call is missed.
   * `close()` stops listening if the stream never starts.
   */
  open(publicId: string): OpenWatch {
    let heard: OperationView | undefined;
    let forward: Push | undefined;
    const relay: Push = (view) => (forward ? forward(view) : (heard = view));
    const operation = this.register(publicId, relay);
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      this.unregister(publicId, operation, relay);
    };
    const start = (snapshot: OperationView, listener: StatusListener) => {
      if (closed) return listener.end();
      forward = this.pushTo(listener, () => closed);
      forward(snapshot);
      // A change heard between open() and now is newer than the snapshot.
      if (heard) forward(heard);
    };
    return { start, close };
  }

  /** Feeds one listener: each status once, ending after a terminal one. */
  private pushTo(listener: StatusListener, isClosed: () => boolean): Push {
    let lastStatus: OperationView['status'] | undefined;
    return (view) => {
      // A status changes once (pending → ok | error): repeats carry no news.
      if (isClosed() || view.status === lastStatus) return;
      if (lastStatus && isTerminal({ status: lastStatus })) return;
      lastStatus = view.status;
      listener.next(view);
      // End on the next turn, so a fan-out writes the news to every stream
      // before it pays for ending any (session touch, request log, sockets).
      if (isTerminal(view)) setImmediate(() => listener.end());
    };
  }

  private register(publicId: string, push: Push): WatchedOperation {
    let operation = this.watched.get(publicId);
    if (!operation) {
      const streams = new Set<Push>();
      const fanOut: Push = (view) => streams.forEach((stream) => stream(view));
      operation = { streams, fanOut };
      this.watched.set(publicId, operation);
      this.events.on(operationStatusEvent(publicId), fanOut);
    }
    operation.streams.add(push);
    this.openStreams++;
    if (!this.closing) this.rereadTimer ??= setInterval(() => this.rereadAll(), this.rereadIntervalMs);
    return operation;
  }

  private unregister(publicId: string, operation: WatchedOperation, push: Push): void {
    this.openStreams--;
    operation.streams.delete(push);
    if (operation.streams.size === 0 && this.watched.get(publicId) === operation) {
      this.watched.delete(publicId);
      this.events.off(operationStatusEvent(publicId), operation.fanOut);
    }
    if (this.watched.size === 0) this.stopRereading();
  }

  private stopRereading(): void {
    clearInterval(this.rereadTimer);
    this.rereadTimer = undefined;
  }

  private rereadAll(): void {
    if (this.rereading) return;
    const publicIds = [...this.watched.keys()];
    const batches: Promise<void>[] = [];
    for (let start = 0; start < publicIds.length; start += REREAD_BATCH_SIZE) {
      batches.push(this.reread(publicIds.slice(start, start + REREAD_BATCH_SIZE)));
    }
    this.rereading = Promise.all(batches).then(() => {
      this.rereading = undefined;
    });
  }

  /** Reads the operations and hands each view to `only`, or else to every stream watching it. Never rejects. */
  private reread(publicIds: string[], only?: Push): Promise<void> {
    return this.operations
      .findManyByPublicIds(publicIds)
      .then((operations) => {
        for (const operation of operations) {
          const view = toOperationView(operation);
          if (only) only(view);
          else this.watched.get(operation.publicId)?.fanOut(view);
        }
      })
      .catch((error: Error) =>
        // Keep the streams open: the next re-read or event may succeed.
        this.logger.warn(`Re-reading ${publicIds.length} operation(s) failed: ${error.message}`),
      );
  }
}
