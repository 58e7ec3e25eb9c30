import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { isDependencyUnavailable } from '@app/database';
import { errorPage, providerOfPath } from '../spa-pages';
import { ReasonCode } from '../reason-codes';

/**
 * The browser routes of the OAuth dance answer people, not programs: any
 * failure becomes a redirect to the SPA's error page with a reason, never a
 * JSON error, a stack trace or a 500 page.
 */
@Catch()
export class BrowserRouteFilter implements ExceptionFilter {
  private readonly logger = new Logger(BrowserRouteFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const req = host.switchToHttp().getRequest<Request>();
    if (res.headersSent) return;
    const status: number = exception instanceof HttpException ? exception.getStatus() : 500;
    let reason: ReasonCode = ReasonCode.Internal;
    if (status === 429) reason = ReasonCode.RateLimited;
    else if (status < 500) reason = ReasonCode.InvalidRequest;
    else if (status === 503 || isDependencyUnavailable(exception)) reason = ReasonCode.Unavailable;
    else this.logger.error(`Browser route failed: ${(exception as Error)?.message ?? exception}`);
    res.redirect(302, errorPage(reason, providerOfPath(req.path)));
  }
}
