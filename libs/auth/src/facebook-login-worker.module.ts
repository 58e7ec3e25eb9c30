import { Module } from '@nestjs/common';
import { AsyncOperationsModule, OperationDeadlineSweeper } from '@app/async-operations';
import { UsersModule } from '@app/users';
import { ExchangeLease } from './exchange-lease';
import { FacebookGraphClient } from './facebook-graph.client';
import { FacebookLoginProcessor } from './facebook-login.processor';
import { FacebookLoginService } from './facebook-login.service';
import { LoginQueueModule } from './login-queue.module';

/** The worker's side: processes exchange jobs and ends overdue attempts. */
@Module({
  imports: [UsersModule, AsyncOperationsModule, LoginQueueModule],
  providers: [ExchangeLease, FacebookGraphClient, FacebookLoginService, FacebookLoginProcessor, OperationDeadlineSweeper],
  exports: [FacebookLoginService],
})
export class FacebookLoginWorkerModule {}
