import { Controller, Get, Injectable, Redirect, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { ExecutionContext } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { Request, Response } from 'express';
import { BrowserRouteFilter } from './browser-route.filter';
import { FacebookCallbackService } from './facebook-callback.service';
import { safeReturnPath } from './return-to';

/** Signed-in visitors skip the dialog; everyone else is sent to Facebook by passport. */
@Injectable()
class StartFacebookLoginGuard extends AuthGuard('facebook') {
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    if (req.isAuthenticated()) return true;
    if (req.query.returnTo !== undefined) req.session.returnTo = safeReturnPath(req.query.returnTo);
    else delete req.session.returnTo;
    return (await super.canActivate(context)) as boolean;
  }
}

/** The browser routes of the OAuth dance. */
@Controller('auth/facebook')
@UseGuards(ThrottlerGuard)
@UseFilters(BrowserRouteFilter)
export class FacebookAuthController {
  constructor(private readonly callbacks: FacebookCallbackService) {}

  /**
   * 302 to Facebook's dialog (state + PKCE), or home when already signed in.
   * `?returnTo=/path` (same-origin paths only) is where the SPA goes after sign-in.
   */
  @Get()
  @UseGuards(StartFacebookLoginGuard)
  @Redirect('/', 302)
  start(): void {}

  /** 302 to /login/pending in milliseconds, or to /login/error?reason=… */
  @Get('callback')
  async callback(@Req() req: Request, @Res() res: Response): Promise<void> {
    res.redirect(302, await this.callbacks.handle(req));
  }
}
