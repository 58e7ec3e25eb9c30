import { type DynamicModule, Module } from '@nestjs/common';
import { ExchangeWorkerModule } from '../../core/worker/exchange-worker.module';
import { FACEBOOK_OPTIONS, type FacebookOptions } from '../facebook.options';
import { FacebookExchange } from './facebook.exchange';
import { FacebookGraphClient } from './facebook-graph.client';

/** The worker's Facebook: registers FacebookExchange with the core's exchange. */
@Module({})
export class FacebookExchangeModule {
  /**
   * `extraFields`: what /me answers beyond the core's fields. `extraScope`: the
   * permissions the host's API asks for (FacebookAuthModule's), so that their
   * declines are kept; without it only a declined e-mail is.
   */
  static forRoot(options: Pick<FacebookOptions, 'extraFields' | 'extraScope'> = {}): DynamicModule {
    return {
      module: FacebookExchangeModule,
      imports: [ExchangeWorkerModule],
      providers: [{ provide: FACEBOOK_OPTIONS, useValue: options }, FacebookGraphClient, FacebookExchange],
      exports: [FacebookGraphClient],
    };
  }
}
