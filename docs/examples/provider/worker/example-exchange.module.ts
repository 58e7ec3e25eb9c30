import { type DynamicModule, Module } from '@nestjs/common';
import { ExchangeWorkerModule } from '@app/auth/worker';
import { EXAMPLE_OPTIONS, type ExampleOptions } from '../example.options';
import { ExampleExchange } from './example.exchange';

/**
 * The worker's side of the provider: `WorkerModule.forRoot({ imports:
 * [ExampleExchangeModule.forRoot(options)] })`. It imports the core's
 * ExchangeWorkerModule for ProviderExchanges, as FacebookExchangeModule and
 * GoogleExchangeModule do; Nest makes one of it however many import it.
 */
@Module({})
export class ExampleExchangeModule {
  static forRoot(options: ExampleOptions): DynamicModule {
    return {
      module: ExampleExchangeModule,
      imports: [ExchangeWorkerModule],
      providers: [{ provide: EXAMPLE_OPTIONS, useValue: options }, ExampleExchange],
    };
  }
}
