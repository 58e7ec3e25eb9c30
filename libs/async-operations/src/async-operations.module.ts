import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AsyncOperationStatus } from './async-operation-status.entity';
import { AsyncOperation } from './async-operation.entity';
import { AsyncOperationsService } from './async-operations.service';
import { OperationStatusPublisher } from './operation-status.publisher';

/** Operations and their status transitions; used by the API and the worker. */
@Module({
  imports: [TypeOrmModule.forFeature([AsyncOperation, AsyncOperationStatus])],
  providers: [AsyncOperationsService, OperationStatusPublisher],
  exports: [AsyncOperationsService],
})
export class AsyncOperationsModule {}
