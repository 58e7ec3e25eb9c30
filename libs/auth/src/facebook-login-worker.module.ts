import { Module } from '@nestjs/common';
import { AsyncOperationsModule, OperationDeadlineSweeper } from '@app/async-operations';
import { OperationHistoryModule } from '@app/async-operations/history';
import { UsersModule } from '@app/users';
import { ExchangeLease } from './exchange-lease';
import { FacebookGraphClient } from './facebook-graph.client';
import { FacebookLoginProcessor } from './facebook-login.processor';
import { FacebookLoginService } from './facebook-login.service';
import { LoginQueueModule } from './login-queue.module';
import { SessionSignIn } from './session-sign-in';

/** The worker's side: processes exchange jobs and ends overdue attempts. */
@Module({
  imports: [UsersModule, AsyncOperationsModule, OperationHistoryModule, LoginQueueModule],
  providers: [
    ExchangeLease,
    FacebookGraphClient,
    FacebookLoginService,
    FacebookLoginProcessor,
    OperationDeadlineSweeper,
    SessionSignIn,
  ],
  exports: [FacebookLoginService],
})
export class FacebookLoginWorkerModule {}
