import { Controller, Get, Injectable, Logger, Optional, Redirect, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { ExecutionContext } from '@nestjs/common';
import { AuthGuard, AuthModuleOptions } from '@nestjs/passport';
import type { Request, Response } from 'express';
import { OperationHistoryService } from '@app/async-operations/history';
import { BrowserRouteFilter } from './browser-route.filter';
import { FacebookCallbackService } from './facebook-callback.service';
import { safeReturnPath } from './return-to';
import { SessionLifecycle } from './session-lifecycle';
import { sessionIdHash } from './session.types';

const isEmpty = (session: Request['session']) => Object.keys(session).every((key) => key === 'cookie');

/**
 * Signed-in visitors skip the dialog; everyone else gets a new session id
 * (so a planted one never carries the sign-in) and is sent to Facebook by
 * passport, which stores the state in that new session.
 */
@Injectable()
class StartFacebookLoginGuard extends AuthGuard('facebook') {
  private readonly logger = new Logger('StartFacebookLogin');

  constructor(
    private readonly sessions: SessionLifecycle,
    private readonly history: OperationHistoryService,
    @Optional() options?: AuthModuleOptions,
  ) {
    super(options);
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    if (req.isAuthenticated()) return true;
    // A session that holds nothing yet was made for this request (express-session never
    // adopts an id it does not know): there is nothing a planted id could carry, so no renewal.
    if (!isEmpty(req.session)) {
      // An attempt, or failures carried here by an earlier start whose callback never came.
      const hadAttempt = Boolean(req.session.asyncOperationId || req.session.failedAttempts);
      const previous = await this.sessions.renew(req);
      if (hadAttempt && (await this.keepFailures(previous, sessionIdHash(req)))) req.session.failedAttempts = true;
    }
    if (req.query.returnTo !== undefined) req.session.returnTo = safeReturnPath(req.query.returnTo);
    return (await super.canActivate(context)) as boolean;
  }

  /** The browser's earlier failures follow it to the new id, for its sign-in history; never fatal. True if any did. */
  private async keepFailures(fromHash: string, toHash: string): Promise<boolean> {
    try {
      return (await this.history.moveFailuresOfSession(fromHash, toHash)) > 0;
    } catch (error) {
      this.logger.warn(`Could not carry earlier failed attempts to the new session: ${(error as Error).message}`);
      return false;
    }
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
