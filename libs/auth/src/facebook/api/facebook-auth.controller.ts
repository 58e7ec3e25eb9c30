import { Controller, Get, Injectable, Optional, Redirect, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { AuthGuard, AuthModuleOptions } from '@nestjs/passport';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ApiCallbackQuery, ApiRedirect, ApiSignInStartQuery } from '../../core/api/api-docs.decorators';
import { BrowserRouteFilter } from '../../core/api/browser-route.filter';
import { SignInCallbackService } from '../../core/api/sign-in-callback.service';
import { SignInStart } from '../../core/api/sign-in-start';
import { FACEBOOK_PROVIDER } from '../facebook.constants';

/** The core's start, then passport-facebook builds the dialog URL (state + PKCE, stored by FacebookAuthorizationStore). */
@Injectable()
class StartFacebookSignInGuard extends AuthGuard('facebook') {
  constructor(
    private readonly start: SignInStart,
    @Optional() options?: AuthModuleOptions,
  ) {
    super(options);
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    if ((await this.start.prepare(req)) === 'home') return true;
    return (await super.canActivate(context)) as boolean;
  }
}

/** Facebook's browser routes of the OAuth dance. */
@ApiTags('sign-in')
@Controller('auth/facebook')
@UseGuards(ThrottlerGuard)
@UseFilters(BrowserRouteFilter)
export class FacebookAuthController {
  constructor(private readonly callbacks: SignInCallbackService) {}

  /**
   * 302 to Facebook's dialog (state + PKCE), or home when already signed in.
   * `?returnTo=/path` (same-origin paths only) is where the SPA goes after
   * sign-in; `?link=1` while signed in links Facebook to this person.
   */
  @Get()
  @UseGuards(StartFacebookSignInGuard)
  @Redirect('/', 302)
  @ApiOperation({
    summary: "Start a sign-in: 302 to Facebook's dialog",
    description:
      'Stores a one-time 256-bit `state` and a PKCE verifier in the session and redirects to FACEBOOK_DIALOG_URL with `client_id`, `redirect_uri`, `response_type=code`, `scope=email`, `state`, `code_challenge` and `code_challenge_method=S256`.',
  })
  @ApiSignInStartQuery()
  @ApiRedirect(
    "To Facebook's dialog; to `/` when already signed in; to `/login/error?reason=rate_limited` past the rate limit.",
  )
  start(): void {}

  /** 302 to /login/pending in milliseconds, or to /login/error?reason=… */
  @Get('callback')
  @ApiOperation({
    summary: "Facebook's redirect back: record the attempt, queue its exchange",
    description:
      'Checks and consumes `state`, records a pending operation owned by this session and queues its code exchange; never calls Facebook. Its query (a code and a state) is never logged.',
  })
  @ApiCallbackQuery('code', 'state', 'error', 'error_reason')
  @ApiRedirect(
    'To `/login/pending` in milliseconds, or to `/login/error?reason=` access_denied, provider_error, invalid_state, invalid_request, unavailable or rate_limited.',
  )
  async callback(@Req() req: Request, @Res() res: Response): Promise<void> {
    res.redirect(302, await this.callbacks.handle(req, FACEBOOK_PROVIDER));
  }
}
