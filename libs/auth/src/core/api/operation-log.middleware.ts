import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { runWithOperationLogContext } from '@app/config/logging';
import '../session/session.types';

type OperationIdOf = () => string | undefined;

/**
 * Puts every log line of a request in the context of this browser's login
 * attempt (`operationId`). The id is read at each line, because the callback
 * only learns it halfway through, and the last one seen is kept, because
 * sign-in gives the session a new id without it. AuthModule mounts it right
 * after the session middleware, so it sees the session from the start.
 *
 * A middleware, not an interceptor: any interceptor makes Nest run an @Sse()
 * handler only once the stream is piped, too late for its 204.
 */
@Injectable()
export class OperationLogMiddleware implements NestMiddleware {
  use(req: Request, res: Response, next: NextFunction): void {
    let seen = req.session?.asyncOperationId;
    const operationIdOf: OperationIdOf = () => (seen = req.session?.asyncOperationId ?? seen);
    res.locals.operationIdOf = operationIdOf;
    runWithOperationLogContext({ resolve: operationIdOf }, next);
  }
}

/**
 * pino-http `customProps`: the operation id on a request's completion line.
 * Nothing (not `{}`) when there is none: pino-http makes a child logger for
 * any object, at the start of every request (before the session is even
 * loaded) and kept for the request's life, which for an open stream is long.
 */
export function operationLogProps(req: IncomingMessage, res: ServerResponse): Record<string, string> | undefined {
  const operationIdOf = (res as Partial<Response>).locals?.operationIdOf as OperationIdOf | undefined;
  const operationId = operationIdOf?.() ?? (req as Partial<Request>).session?.asyncOperationId;
  return operationId ? { operationId } : undefined;
}
