import { type DynamicModule, Module } from '@nestjs/common';
import { ExchangeWorkerModule } from '../../core/worker/exchange-worker.module';
import { GoogleDiscovery } from '../google-discovery';
import { GOOGLE_OPTIONS, type GoogleOptions } from '../google.options';
import { GoogleExchange } from './google.exchange';
import { GoogleTokenClient } from './google-token.client';

/** The worker's Google: registers GoogleExchange with the core's exchange. Needs GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET. */
@Module({})
export class GoogleExchangeModule {
  static forRoot(options: Pick<GoogleOptions, 'extraClaims'> = {}): DynamicModule {
    return {
      module: GoogleExchangeModule,
      imports: [ExchangeWorkerModule],
      providers: [{ provide: GOOGLE_OPTIONS, useValue: options }, GoogleDiscovery, GoogleTokenClient, GoogleExchange],
    };
  }
}
