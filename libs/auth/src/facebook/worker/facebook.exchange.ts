import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { BaseEnv } from '@app/config';
import { ProviderExchanges, type ExchangedIdentity, type ProviderExchange } from '../../core/worker/provider-exchange';
import { FACEBOOK } from '../facebook.constants';
import { FacebookGraphClient } from './facebook-graph.client';

/** Facebook's side of the exchange: the code for an access token, the token for /me and /me/permissions. */
@Injectable()
export class FacebookExchange implements ProviderExchange, OnModuleInit {
  readonly provider = FACEBOOK;
  readonly displayName = 'Facebook';
  readonly callTimeoutMs: number;
  readonly sealingSecret: string;

  constructor(
    private readonly graph: FacebookGraphClient,
    private readonly exchanges: ProviderExchanges,
    config: ConfigService<BaseEnv, true>,
  ) {
    this.callTimeoutMs = config.get('FACEBOOK_TIMEOUT_MS', { infer: true });
    this.sealingSecret = config.get('FACEBOOK_APP_SECRET', { infer: true });
  }

  onModuleInit(): void {
    this.exchanges.register(this);
  }

  redeemCode(code: string, codeVerifier: string, options: { timeoutMs: number }): Promise<string> {
    return this.graph.exchangeCode(code, codeVerifier, options);
  }

  async identify(accessToken: string, _job: unknown, options: { signal?: AbortSignal }): Promise<ExchangedIdentity> {
    const { facebookId, extra, ...fields } = await this.graph.fetchProfile(accessToken, options);
    // One more read, after /me: whether a missing e-mail was declined (the SPA offers to ask again).
    const { declined } = await this.graph.fetchPermissions(accessToken, options);
    return {
      provider: FACEBOOK,
      subject: facebookId,
      ...fields,
      declinedPermissions: declined,
      ...(extra && { extra }),
    };
  }
}
