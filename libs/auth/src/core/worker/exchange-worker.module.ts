import { Module } from '@nestjs/common';
import { AsyncOperationsModule, OperationDeadlineSweeper } from '@app/async-operations';
import { OperationHistoryModule } from '@app/async-operations/history';
import { UsersModule } from '@app/users';
import { ExchangeQueueModule } from '../queue/exchange-queue.module';
import { SessionSignIn } from '../session/session-sign-in';
import { ExchangeLease } from './exchange-lease';
import { ExchangeProcessor } from './exchange.processor';
import { ExchangeService } from './exchange.service';
import { ProviderExchanges } from './provider-exchange';

/**
 * The worker's provider-neutral side: takes exchange jobs, runs each through
 * the provider its job names, and ends overdue operations. Each provider's
 * worker module imports this one and registers its ProviderExchange.
 */
@Module({
  imports: [UsersModule, AsyncOperationsModule, OperationHistoryModule, ExchangeQueueModule],
  providers: [
    ExchangeLease,
    ExchangeService,
    ExchangeProcessor,
    OperationDeadlineSweeper,
    SessionSignIn,
    ProviderExchanges,
  ],
  exports: [ExchangeService, ProviderExchanges],
})
export class ExchangeWorkerModule {}
