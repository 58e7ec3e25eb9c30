import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AsyncOperation } from '../async-operation.entity';
import { OperationHistoryService } from './operation-history.service';
import { OperationOwnerLinker } from './operation-owner.linker';

/**
 * The record of past attempts: sign-in history, support search, ownership of
 * failures. Import it in every process that ends operations (API and worker),
 * with EventEmitterModule.forRoot(), so failures are linked wherever they end.
 */
@Module({
  imports: [TypeOrmModule.forFeature([AsyncOperation])],
  providers: [OperationHistoryService, OperationOwnerLinker],
  exports: [OperationHistoryService],
})
export class OperationHistoryModule {}
