import {
  BadRequestException,
  Controller,
  Get,
  Inject,
  Injectable,
  Optional,
  Redirect,
  Req,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { AuthGuard, AuthModuleOptions } from '@nestjs/passport';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ApiCallbackQuery, ApiRedirect, ApiSignInStartQuery } from '../../core/api/api-docs.decorators';
import { BrowserRouteFilter } from '../../core/api/browser-route.filter';
import { SignInCallbackService } from '../../core/api/sign-in-callback.service';
import { SignInStart } from '../../core/api/sign-in-start';
import { FACEBOOK_PROVIDER } from '../facebook.constants';
import { FACEBOOK_OPTIONS, type FacebookOptions } from '../facebook.options';
import { reRequestablePermissions } from '../facebook-permissions';
import { parseReRequest } from './facebook-rerequest';

/** The core's start, then passport-facebook builds the dialog URL (state + PKCE, stored by FacebookAuthorizationStore). */
@Injectable()
class StartFacebookSignInGuard extends AuthGuard('facebook') {
  private readonly reRequestable: string[];

  constructor(
    private readonly start: SignInStart,
    @Optional() options?: AuthModuleOptions,
    @Optional() @Inject(FACEBOOK_OPTIONS) facebook: FacebookOptions = {},
  ) {
    super(options);
    this.reRequestable = reRequestablePermissions(facebook.extraScope);
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const reRequest = parseReRequest(req.query, this.reRequestable);
    // BrowserRouteFilter turns it into the error page (invalid_request).
    if (!reRequest.ok) throw new BadRequestException('rerequest names a permission this app does not ask for');
    // Asking again for what a signed-in person declined is a new sign-in of their account, not a
    // way home: the state, PKCE, returnTo and the callback's session renewal are those of any sign-in.
    const mode = reRequest.permissions !== null ? 'rerequest' : 'sign-in';
    if ((await this.start.prepare(req, mode)) === 'home') return true;
    return (await super.canActivate(context)) as boolean;
  }

  /** `?rerequest=email`: Facebook's dialog with `auth_type=rerequest`, asking for those permissions only. */
  override getAuthenticateOptions(context: ExecutionContext): { authType: string; scope: string[] } | undefined {
    const reRequest = parseReRequest(context.switchToHttp().getRequest<Request>().query, this.reRequestable);
    return reRequest.ok && reRequest.permissions ? { authType: 'rerequest', scope: reRequest.permissions } : undefined;
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
   * sign-in; `?link=1` while signed in links Facebook to this person;
   * `?rerequest=email` asks again for a permission the person declined
   * (`auth_type=rerequest`), signed in or not (signed in: a new sign-in of
   * their account, which stays signed in until the callback).
   */
  @Get()
  @UseGuards(StartFacebookSignInGuard)
  @Redirect('/', 302)
  @ApiOperation({
    summary: "Start a sign-in: 302 to Facebook's dialog",
    description:
      "Stores a one-time 256-bit `state` and a PKCE verifier in the session and redirects to Facebook's dialog (`FACEBOOK_WEB_URL/FACEBOOK_GRAPH_VERSION/dialog/oauth`) with `client_id`, `redirect_uri`, `response_type=code`, `scope` (`email` and the host's extraScope, comma-separated), `state`, `code_challenge` and `code_challenge_method=S256`; with `rerequest`, `auth_type=rerequest` and `scope` the permissions named. A signed-out start gets a new session id; with `link=1` or `rerequest` a signed-in session keeps its id until the callback renews it.",
  })
  @ApiSignInStartQuery()
  @ApiQuery({
    name: 'rerequest',
    required: false,
    description:
      "Comma-separated permissions the person declined (`email`; those of the host's extraScope) to ask for again: Facebook's dialog with `auth_type=rerequest`, signed in or not. Not beside `link=1`; an unknown or repeated one is the error page (`invalid_request`).",
    schema: { type: 'string', example: 'email' },
  })
  @ApiRedirect(
    "To Facebook's dialog; to `/` when already signed in (unless `link=1` or `rerequest`); to `/login/error?reason=rate_limited` past the rate limit, `?reason=invalid_request` for a bad `rerequest`.",
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
