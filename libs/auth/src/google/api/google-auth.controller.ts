import { Controller, Get, Inject, Optional, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ApiCallbackQuery, ApiRedirect, ApiSignInStartQuery } from '../../core/api/api-docs.decorators';
import { BrowserRouteFilter } from '../../core/api/browser-route.filter';
import { SignInCallbackService } from '../../core/api/sign-in-callback.service';
import { errorPage } from '../../core/spa-pages';
import { SignInStart } from '../../core/api/sign-in-start';
import { ReasonCode } from '../../core/reason-codes';
import { GoogleApiError } from '../google-api.error';
import { GOOGLE, GOOGLE_PROVIDER } from '../google.constants';
import { GOOGLE_OPTIONS, type GoogleOptions } from '../google.options';
import { GoogleAuthorization } from './google-authorization';

/** Google's browser routes of the OpenID Connect code flow: the same contract as Facebook's. */
@ApiTags('sign-in')
@Controller('auth/google')
@UseGuards(ThrottlerGuard)
@UseFilters(BrowserRouteFilter)
export class GoogleAuthController {
  constructor(
    private readonly start: SignInStart,
    private readonly authorization: GoogleAuthorization,
    private readonly callbacks: SignInCallbackService,
    @Optional() @Inject(GOOGLE_OPTIONS) private readonly options: GoogleOptions = {},
  ) {}

  /**
   * 302 to Google's authorization endpoint (state, nonce, PKCE S256), or home
   * when already signed in; `?returnTo=` and `?link=1` as for Facebook. When
   * the issuer's discovery cannot be read: /login/error?reason=provider_unavailable.
   */
  @Get()
  @ApiOperation({
    summary: 'Start a sign-in with Google: 302 to its authorization endpoint (OpenID Connect)',
    description:
      "Reads the issuer's `/.well-known/openid-configuration` (GOOGLE_ISSUER), stores a one-time 256-bit `state`, a `nonce` and a PKCE verifier in the session and redirects with `response_type=code`, `scope=openid email profile`, `state`, `nonce`, `code_challenge` and `code_challenge_method=S256`.",
  })
  @ApiSignInStartQuery()
  @ApiRedirect(
    "To Google's authorization endpoint; to `/` when already signed in (unless `link=1`); to `/login/error?reason=provider_unavailable&provider=google` when the issuer cannot be read.",
  )
  async begin(@Req() req: Request, @Res() res: Response): Promise<void> {
    if ((await this.start.prepare(req)) === 'home') return res.redirect(302, '/');
    try {
      res.redirect(302, await this.authorization.dialogUrl(req, { extraScope: this.options.extraScope }));
    } catch (error) {
      if (!(error instanceof GoogleApiError)) throw error;
      const reason = error.retryable ? ReasonCode.ProviderUnavailable : ReasonCode.ProviderError;
      res.redirect(302, errorPage(reason, GOOGLE));
    }
  }

  /** 302 to /login/pending in milliseconds, or to /login/error?reason=…&provider=google */
  @Get('callback')
  @ApiOperation({
    summary: "Google's redirect back: record the attempt, queue its exchange",
    description:
      'The same contract as `GET /auth/facebook/callback`: the worker redeems the code and verifies the id_token (signature against the JWKS, `iss`, `aud`, `exp`, `nonce`). Its query is never logged.',
  })
  @ApiCallbackQuery('code', 'state', 'error', 'scope', 'authuser', 'prompt')
  @ApiRedirect('To `/login/pending`, or to `/login/error?reason=…&provider=google`.')
  async callback(@Req() req: Request, @Res() res: Response): Promise<void> {
    res.redirect(302, await this.callbacks.handle(req, GOOGLE_PROVIDER));
  }
}
