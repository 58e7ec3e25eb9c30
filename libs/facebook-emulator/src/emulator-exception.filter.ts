import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { errorShapeFor, isEmulatorErrorBody } from './error-shapes';

/**
 * App-wide filter for the standalone emulator: unknown routes, unparsable
 * bodies and crashes get the JSON of the provider whose paths they hit
 * (Google's under /google, Facebook's elsewhere) instead of Nest's defaults.
 */
@Catch()
export class EmulatorExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('FacebookEmulator');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const res = http.getResponse<Response>();
    const req = http.getRequest<Request>();
    if (res.headersSent) {
      res.end();
      return;
    }
    const status = statusOf(exception);
    if (exception instanceof HttpException && isEmulatorErrorBody(exception.getResponse())) {
      res.status(status).json(exception.getResponse());
      return;
    }
    const shape = errorShapeFor(req.path);
    if (status === 404) {
      const { status: code, body } = shape.notFound(req.path);
      res.status(code).json(body);
      return;
    }
    if (status >= 500) {
      // Message and stack only: request data may hold codes or secrets.
      this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
      const { status: code, body } = shape.internal();
      res.status(code).json(body);
      return;
    }
    // 400s here are body/URL parse errors whose messages can quote the input.
    const message =
      status === 400 || !(exception instanceof HttpException) ? 'The request could not be parsed.' : exception.message;
    const { body } = shape.clientError(status, message);
    res.status(status).json(body);
  }
}

function statusOf(exception: unknown): number {
  if (exception instanceof HttpException) return exception.getStatus();
  // body-parser and friends throw http-errors style objects.
  if (typeof exception === 'object' && exception !== null) {
    const { status, statusCode } = exception as {
      status?: unknown;
      statusCode?: unknown;
    };
    const value = typeof status === 'number' ? status : statusCode;
    if (typeof value === 'number' && value >= 400 && value < 600) return value;
  }
  return 500;
}
