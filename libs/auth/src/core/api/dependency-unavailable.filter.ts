import { ArgumentsHost, Catch, HttpStatus, Logger } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Response } from 'express';
import { isDependencyUnavailable } from '@app/database';

/**
 * MySQL or Redis away is not a bug: answer 503 with a JSON error (clients
 * may retry) instead of Nest's generic 500. Everything else goes on to Nest's
 * own handling.
 */
@Catch()
export class DependencyUnavailableFilter extends BaseExceptionFilter {
  private readonly logger = new Logger(DependencyUnavailableFilter.name);

  override catch(exception: unknown, host: ArgumentsHost): void {
    if (!isDependencyUnavailable(exception)) return super.catch(exception, host);
    this.logger.warn(`Dependency unavailable: ${(exception as Error).message}`);
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    res.status(HttpStatus.SERVICE_UNAVAILABLE).set('Retry-After', '2').json({
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'The sign-in service is briefly unavailable',
    });
  }
}
