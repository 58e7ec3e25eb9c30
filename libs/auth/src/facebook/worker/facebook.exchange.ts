import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
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
  private readonly logger = new Logger(FacebookExchange.name);

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

  /**
   * /me and /me/permissions at once: both need only the token, and the
   * exchange's deadline leaves room for one call after a late token answer,
   * not two in a row. /me's failure is the one told when both fail (as when
   * it came first). A failed /me/permissions fails the attempt (to be retried)
   * only when /me gave no e-mail: then whether it was declined decides what
   * the SPA offers. With an e-mail in hand the sign-in goes on without the
   * lists (the stored ones stay): a third call must not make a sign-in
   * likelier to fail than the two it needs.
   */
  async identify(accessToken: string, _job: unknown, options: { signal?: AbortSignal }): Promise<ExchangedIdentity> {
    const profile = this.graph.fetchProfile(accessToken, options);
    const permissions = this.graph.fetchPermissions(accessToken, options);
    // Handled here too: when /me fails first, nobody awaits this one.
    permissions.catch(() => undefined);
    const { facebookId, extra, ...fields } = await profile;
    // Whether a missing e-mail was declined (the SPA offers to ask again); undefined: unknown, the stored list stays.
    const { declined, granted } =
      (await permissions.catch((error: unknown) => {
        if (fields.email === null) throw error;
        this.logger.warn(`/me/permissions failed (${(error as Error).message}); signing in with the stored lists`);
        return undefined;
      })) ?? {};
    return {
      provider: FACEBOOK,
      subject: facebookId,
      ...fields,
      ...(declined && { declinedPermissions: declined }),
      ...(granted && { grantedPermissions: granted }),
      ...(extra && { extra }),
    };
  }
}
