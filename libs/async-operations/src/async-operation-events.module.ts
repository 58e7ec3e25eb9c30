import { Module } from '@nestjs/common';
import { AsyncOperationsModule } from './async-operations.module';
import { OperationStatusBridge } from './operation-status.bridge';
import { OperationStatusWatcher } from './operation-status.watcher';

/**
 * Live status streams for the processes that serve them (the API): the
 * Redis → EventEmitter2 bridge and the per-operation watcher. Needs
 * `EventEmitterModule.forRoot()` in the app.
 */
@Module({
  imports: [AsyncOperationsModule],
  providers: [OperationStatusBridge, OperationStatusWatcher],
  exports: [OperationStatusWatcher],
})
export class AsyncOperationEventsModule {}
