import { createHash, randomBytes } from 'node:crypto';
import { Controller, Get, Inject, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { providerCallbackPath } from '@app/auth';
import { BrowserRouteFilter, PendingAuthorizations, SignInCallbackService, SignInStart } from '@app/auth/api';
import type { ApiEnv } from '@app/config';
import { EXAMPLE, EXAMPLE_PROVIDER, EXAMPLE_SCOPES } from '../example.constants';
import { EXAMPLE_OPTIONS, type ExampleOptions } from '../example.options';

/**
 * The provider's browser routes, on the contract every provider keeps:
 * GET /auth/example → 302 to the dialog (or home when signed in; `?link=1`
 * links it, `?returnTo=` is kept); GET /auth/example/callback → 302 to
 * /login/pending?provider=example, or /login/error?reason=…&provider=example.
 * The start is the core's SignInStart, the state (with the PKCE verifier)
 * lives in the core's PendingAuthorizations, the callback is the core's
 * SignInCallbackService: this controller only builds the dialog's URL.
 */
@Controller('auth/example')
@UseGuards(ThrottlerGuard)
@UseFilters(BrowserRouteFilter)
export class ExampleAuthController {
  private readonly redirectUri: string;

  constructor(
    private readonly start: SignInStart,
    private readonly pending: PendingAuthorizations,
    private readonly callbacks: SignInCallbackService,
    @Inject(EXAMPLE_OPTIONS) private readonly options: ExampleOptions,
    config: ConfigService<ApiEnv, true>,
  ) {
    this.redirectUri = config.get('PUBLIC_URL', { infer: true }) + providerCallbackPath(EXAMPLE);
  }

  @Get()
  async begin(@Req() req: Request, @Res() res: Response): Promise<void> {
    if ((await this.start.prepare(req)) === 'home') return res.redirect(302, '/');
    const codeVerifier = randomBytes(32).toString('base64url');
    // An OpenID Connect provider also passes a `nonce` here, and its exchange checks it (job.nonce).
    const state = this.pending.begin(req, EXAMPLE, { codeVerifier });
    const url = new URL(this.options.authorizeUrl);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', this.options.clientId);
    url.searchParams.set('redirect_uri', this.redirectUri);
    url.searchParams.set('scope', EXAMPLE_SCOPES.join(' '));
    url.searchParams.set('state', state);
    url.searchParams.set('code_challenge', createHash('sha256').update(codeVerifier).digest('base64url'));
    url.searchParams.set('code_challenge_method', 'S256');
    res.redirect(302, url.href);
  }

  @Get('callback')
  async callback(@Req() req: Request, @Res() res: Response): Promise<void> {
    res.redirect(302, await this.callbacks.handle(req, EXAMPLE_PROVIDER));
  }
}
