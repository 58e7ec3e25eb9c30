import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { OPERATION_FINISHED_EVENT, type OperationFinishedEvent } from '../async-operations.service';
import { OperationHistoryService } from './operation-history.service';

/** Keeps the sign-in history's ownership up to date as attempts end (see OperationHistoryService.linkToOwner). */
@Injectable()
export class OperationOwnerLinker {
  private readonly logger = new Logger(OperationOwnerLinker.name);

  constructor(private readonly history: OperationHistoryService) {}

  @OnEvent(OPERATION_FINISHED_EVENT)
  async onFinished(event: OperationFinishedEvent): Promise<void> {
    try {
      await this.history.linkToOwner(event);
    } catch (error) {
      this.logger.warn(`Could not link operation ${event.operationId} to its owner: ${(error as Error).message}`);
    }
  }
}
