import { Controller, Get, Injectable, Redirect, Req, Res, UseGuards } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { Request, Response } from 'express';
import { FacebookCallbackService } from './facebook-callback.service';

/** Signed-in visitors skip the dialog; everyone else is sent to Facebook by passport. */
@Injectable()
class StartFacebookLoginGuard extends AuthGuard('facebook') {
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    if (req.isAuthenticated()) return true;
    return (await super.canActivate(context)) as boolean;
  }
}

/** The browser routes of the OAuth dance. */
@Controller('auth/facebook')
export class FacebookAuthController {
  constructor(private readonly callbacks: FacebookCallbackService) {}

  /** 302 to Facebook's dialog (state + PKCE), or home when already signed in. */
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
