import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { z } from 'zod';
import {
  ProviderExchanges,
  providerCallbackPath,
  type ExchangeJobData,
  type ExchangedIdentity,
  type ProviderExchange,
} from '@app/auth';
import type { BaseEnv } from '@app/config';
import { EXAMPLE, EXAMPLE_PROVIDER } from '../example.constants';
import { EXAMPLE_OPTIONS, type ExampleOptions } from '../example.options';
import { ExampleApiError, classifyExampleErrorResponse, classifyExampleTransportError } from '../example-api.error';

const tokenAnswer = z.object({ access_token: z.string().min(1).max(4096) });
const userinfoAnswer = z.object({
  sub: z.string().min(1).max(255),
  email: z.string().max(320).nullish(),
  email_verified: z.boolean().optional(),
  given_name: z.string().max(512).nullish(),
  family_name: z.string().max(512).nullish(),
});

/**
 * The skeleton of a provider's worker side: the code (with its PKCE
 * verifier) for an access token, the token for the person. The core does
 * everything else: the lease, the code's bookkeeping between retries,
 * sealing the credential in the job, the profile write, the status, the
 * session, SIGN_IN_FINISHED_EVENT.
 */
@Injectable()
export class ExampleExchange implements ProviderExchange, OnModuleInit {
  readonly provider = EXAMPLE;
  readonly displayName = EXAMPLE_PROVIDER.name;
  readonly callTimeoutMs: number;
  readonly sealingSecret: string;
  private readonly redirectUri: string;

  constructor(
    private readonly exchanges: ProviderExchanges,
    @Inject(EXAMPLE_OPTIONS) private readonly options: ExampleOptions,
    config: ConfigService<BaseEnv, true>,
  ) {
    this.callTimeoutMs = options.timeoutMs ?? 5000;
    this.sealingSecret = options.clientSecret;
    // The same redirect_uri as the dialog was given: providers compare them.
    this.redirectUri = config.get('PUBLIC_URL', { infer: true }) + providerCallbackPath(EXAMPLE);
  }

  /** Registered when the worker starts: jobs saying `provider: 'example'` come here. */
  onModuleInit(): void {
    this.exchanges.register(this);
  }

  /** Answers the credential the core keeps (sealed) between retries: here, the access token. */
  async redeemCode(code: string, codeVerifier: string, { timeoutMs }: { timeoutMs: number }): Promise<string> {
    const body = new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      code_verifier: codeVerifier,
      redirect_uri: this.redirectUri,
      client_id: this.options.clientId,
      client_secret: this.options.clientSecret,
    });
    const json = await this.call('token', this.options.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
      // The core hands a long timeout: a code once sent may be spent, so a late answer is worth waiting for.
      signal: AbortSignal.timeout(timeoutMs),
    });
    const parsed = tokenAnswer.safeParse(json);
    if (!parsed.success)
      throw new ExampleApiError('malformed', 'provider_bad_response', "Example's token answer has no access_token");
    return parsed.data.access_token;
  }

  /** The person behind the token. The job carries `nonce` for OpenID Connect providers that verify an id_token. */
  async identify(
    accessToken: string,
    _job: Readonly<ExchangeJobData>,
    { signal }: { signal?: AbortSignal },
  ): Promise<ExchangedIdentity> {
    const timeout = AbortSignal.timeout(this.callTimeoutMs);
    const json = await this.call('userinfo', this.options.userinfoUrl, {
      headers: { authorization: `Bearer ${accessToken}` },
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    const parsed = userinfoAnswer.safeParse(json);
    if (!parsed.success)
      throw new ExampleApiError('malformed', 'provider_bad_response', "Example's userinfo answer is unusable");
    const { sub, email, email_verified, given_name, family_name } = parsed.data;
    return {
      provider: EXAMPLE,
      subject: sub,
      // Profile data, never an identity; an address the provider did not verify is not kept.
      email: email && email_verified ? email : null,
      firstName: given_name ?? null,
      lastName: family_name ?? null,
    };
  }

  /** One call: JSON in hand, or an ExampleApiError the core knows how to retry (or not). */
  private async call(which: 'token' | 'userinfo', url: string, init: RequestInit): Promise<unknown> {
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, { ...init, redirect: 'error' });
      // Within the same timeout: an answer cut off mid-body is no answer.
      text = await response.text();
    } catch (error) {
      throw classifyExampleTransportError(which, error);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (!response.ok) throw classifyExampleErrorResponse(which, response.status, json);
    if (json === undefined)
      throw new ExampleApiError('malformed', 'provider_bad_response', `Example's ${which} answer is not JSON`);
    return json;
  }
}
