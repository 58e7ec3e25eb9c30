import { Inject, Injectable, Optional, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { BaseEnv } from '@app/config';
import type { ExchangeJobData } from '../../core/queue/exchange-job';
import { ReasonCode } from '../../core/reason-codes';
import {
  ProviderCallError,
  ProviderExchanges,
  type ExchangedIdentity,
  type ProviderExchange,
} from '../../core/worker/provider-exchange';
import { GOOGLE } from '../google.constants';
import { GOOGLE_OPTIONS, type GoogleOptions } from '../google.options';
import { GoogleTokenClient } from './google-token.client';

/**
 * Google's side of the exchange: the code (with its PKCE verifier) for an
 * id_token at the token endpoint; the id_token verified (signature against
 * the issuer's JWKS, iss, aud, exp, nonce) into the person. The credential
 * the core seals between retries is the id_token, so a retry after the keys
 * were briefly unreachable verifies again without spending the code twice.
 */
@Injectable()
export class GoogleExchange implements ProviderExchange, OnModuleInit {
  readonly provider = GOOGLE;
  readonly displayName = 'Google';
  readonly callTimeoutMs: number;
  readonly sealingSecret: string;
  private readonly extraClaims: readonly string[];

  constructor(
    private readonly tokens: GoogleTokenClient,
    private readonly exchanges: ProviderExchanges,
    config: ConfigService<BaseEnv, true>,
    @Optional() @Inject(GOOGLE_OPTIONS) options: GoogleOptions = {},
  ) {
    this.callTimeoutMs = config.get('GOOGLE_TIMEOUT_MS', { infer: true });
    // GoogleTokenClient refuses to exist without it, so it is set here.
    this.sealingSecret = config.get('GOOGLE_CLIENT_SECRET', { infer: true })!;
    this.extraClaims = options.extraClaims ?? [];
  }

  onModuleInit(): void {
    this.exchanges.register(this);
  }

  async redeemCode(code: string, codeVerifier: string, options: { timeoutMs: number }): Promise<string> {
    return (await this.tokens.redeemCode(code, codeVerifier, options)).idToken;
  }

  async identify(
    idToken: string,
    job: Readonly<ExchangeJobData>,
    options: { signal?: AbortSignal },
  ): Promise<ExchangedIdentity> {
    if (!job.nonce) {
      // Every Google job carries the nonce its start stored; one without it cannot be checked.
      throw new ProviderCallError('rejected', ReasonCode.InvalidRequest, 'The Google job carries no nonce');
    }
    const { subject, email, firstName, lastName, claims } = await this.tokens.verifyIdToken(
      idToken,
      job.nonce,
      options,
    );
    const extra = this.extraClaims.length ? pick(claims, this.extraClaims) : undefined;
    return { provider: GOOGLE, subject, email, firstName, lastName, ...(extra && { extra }) };
  }
}

function pick(claims: Readonly<Record<string, unknown>>, names: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(names.filter((name) => name in claims).map((name) => [name, claims[name]]));
}
