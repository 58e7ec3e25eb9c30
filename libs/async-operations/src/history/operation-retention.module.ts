import { Module } from '@nestjs/common';
import { OperationHistoryModule } from './operation-history.module';
import { OperationRetentionPruner } from './operation-retention.pruner';

/** The worker's hourly pruning of old attempts; needs ScheduleModule.forRoot() in the app. */
@Module({
  imports: [OperationHistoryModule],
  providers: [OperationRetentionPruner],
  exports: [OperationRetentionPruner],
})
export class OperationRetentionModule {}
