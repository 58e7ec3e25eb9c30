import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { Observable, Subject } from 'rxjs';
import {
  OPERATION_STATUS_RESYNC_EVENT,
  STREAM_REREAD_INTERVAL_MS,
  operationStatusEvent,
} from './async-operations.constants';
import { AsyncOperationsService } from './async-operations.service';
import { OperationView, isTerminal, toOperationView } from './operation-view';

/**
 * The live status of one operation: the database snapshot first, then every
 * change, completing after a terminal status. It listens before it reads, so
 * a change that lands between the two is never missed, and it re-reads
 * slowly while pending and after the Redis subscription reconnects, so a lost
 * event only delays the news.
 */
@Injectable()
export class OperationStatusWatcher implements BeforeApplicationShutdown {
  private readonly logger = new Logger(OperationStatusWatcher.name);
  rereadIntervalMs = STREAM_REREAD_INTERVAL_MS;
  /** Fires once when the process starts shutting down, so open streams can end politely. */
  readonly shuttingDown = new Subject<void>();
  private openStreams = 0;

  get streamCount(): number {
    return this.openStreams;
  }

  beforeApplicationShutdown(): void {
    if (this.openStreams) this.logger.log(`Ending ${this.openStreams} open stream(s) for shutdown`);
    this.shuttingDown.next();
    this.shuttingDown.complete();
  }

  constructor(
    private readonly operations: AsyncOperationsService,
    private readonly events: EventEmitter2,
  ) {}

  watch(publicId: string): Observable<OperationView> {
    return new Observable<OperationView>((subscriber) => {
      let lastStatus: OperationView['status'] | undefined;
      const push = (view: OperationView) => {
        // A status changes once (pending → ok | error): repeats carry no news.
        if (subscriber.closed || view.status === lastStatus) return;
        if (lastStatus && isTerminal({ status: lastStatus })) return;
        lastStatus = view.status;
        subscriber.next(view);
        if (isTerminal(view)) subscriber.complete();
      };
      const reread = () => {
        this.operations
          .findByPublicId(publicId)
          .then((operation) => {
            if (operation) push(toOperationView(operation));
          })
          .catch((error: Error) =>
            // Keep the stream open: the next re-read or event may succeed.
            this.logger.warn(`Re-reading operation ${publicId} failed: ${error.message}`),
          );
      };
      const eventName = operationStatusEvent(publicId);
      this.events.on(eventName, push);
      this.events.on(OPERATION_STATUS_RESYNC_EVENT, reread);
      reread();
      const timer = setInterval(reread, this.rereadIntervalMs);
      this.openStreams++;
      return () => {
        this.openStreams--;
        clearInterval(timer);
        this.events.off(eventName, push);
        this.events.off(OPERATION_STATUS_RESYNC_EVENT, reread);
      };
    });
  }
}
