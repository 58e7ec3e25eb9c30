import {
  ConflictException,
  Controller,
  Get,
  HttpCode,
  MessageEvent,
  NotFoundException,
  Post,
  Req,
  Res,
  Sse,
  UnprocessableEntityException,
  UseGuards,
} from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { EMPTY, Observable, map } from 'rxjs';
import {
  AsyncOperation,
  AsyncOperationsService,
  OperationStatusId,
  OperationStatusWatcher,
  OperationView,
  toOperationView,
} from '@app/async-operations';
import { OperationHistoryService } from '@app/async-operations/history';
import { UsersService, toUserView, type UserView } from '@app/users';
import { safeReturnPath } from './return-to';
import { SameOriginGuard } from './same-origin.guard';
import { SessionLifecycle } from './session-lifecycle';
import { sessionIdHash } from './session.types';

const TERMINAL_EVENT_IDS = new Set(['ok', 'error']);

/** How soon a browser whose stream ended for a shutdown reconnects (to another instance). */
export const SHUTDOWN_RETRY_MS = 500;

/**
 * Passes the events through; when the process shuts down, sends one
 * `event: reconnect` with a `retry:` hint and ends the stream, so the
 * browser's EventSource comes back at once, to an instance that is up.
 */
export function endOnShutdown(
  events: Observable<MessageEvent>,
  lifecycle: { shuttingDown: Observable<void>; closing: boolean },
): Observable<MessageEvent> {
  return new Observable<MessageEvent>((subscriber) => {
    const reconnect = () => {
      subscriber.next({ type: 'reconnect', data: {}, retry: SHUTDOWN_RETRY_MS });
      subscriber.complete();
    };
    // A stream that opens while the process is already shutting down is told to go elsewhere at once.
    if (lifecycle.closing) {
      reconnect();
      return;
    }
    const stop = lifecycle.shuttingDown.subscribe({ next: reconnect });
    const forward = events.subscribe(subscriber);
    return () => {
      stop.unsubscribe();
      forward.unsubscribe();
    };
  });
}

/** The code of `complete`'s 409 once its sign-in has been used (the SPA then asks /api/me). */
export const ALREADY_COMPLETED = 'already_completed';

function alreadyCompleted(): ConflictException {
  return new ConflictException({
    statusCode: 409,
    error: 'Conflict',
    message: 'This sign-in has already been completed',
    code: ALREADY_COMPLETED,
  });
}

/** The JSON and SSE routes the SPA uses while a sign-in is under way. */
@Controller('api/auth')
@UseGuards(ThrottlerGuard)
export class AuthApiController {
  constructor(
    private readonly operations: AsyncOperationsService,
    private readonly watcher: OperationStatusWatcher,
    private readonly users: UsersService,
    private readonly sessions: SessionLifecycle,
    private readonly history: OperationHistoryService,
  ) {}

  /** This browser's latest login attempt. */
  @Get('operation')
  async operation(@Req() req: Request): Promise<OperationView> {
    return toOperationView(await this.ownedOperation(req));
  }

  /**
   * `event: status` with the operation JSON: the current status first, then
   * every change; the stream ends after ok or error. Each event's id is its
   * status, so a browser that already saw the end and reconnects is told
   * 204, which stops EventSource for good.
   */
  @Sse('operation/events')
  async events(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Observable<MessageEvent>> {
    const operation = await this.ownedOperation(req);
    const lastEventId = req.get('last-event-id');
    if (lastEventId && TERMINAL_EVENT_IDS.has(lastEventId)) {
      res.status(204);
      return EMPTY;
    }
    const statuses = this.watcher
      .watch(operation.publicId)
      .pipe(map((view): MessageEvent => ({ type: 'status', id: view.status, data: view })));
    return endOnShutdown(statuses, this.watcher);
  }

  /**
   * Signs in the user of an ok operation, under a new session id, once: a
   * session that is already signed in, or an operation that has already
   * signed one in, gets 409 `already_completed` and nothing changes.
   */
  @Post('complete')
  @HttpCode(200)
  @UseGuards(SameOriginGuard)
  async complete(@Req() req: Request): Promise<{ user: UserView; returnTo: string }> {
    if (req.isAuthenticated()) throw alreadyCompleted();
    const operation = await this.ownedOperation(req);
    if (operation.statusId === OperationStatusId.Pending) {
      throw new ConflictException('The sign-in is still in progress');
    }
    if (operation.statusId === OperationStatusId.Error || operation.userProfileId === null) {
      throw new UnprocessableEntityException({
        statusCode: 422,
        error: 'Unprocessable Entity',
        message: operation.errorMessage ?? 'The sign-in failed',
        code: operation.errorCode ?? 'internal',
      });
    }
    const user = await this.users.findById(operation.userProfileId);
    if (!user) throw new NotFoundException('No sign-in in progress');
    const returnTo = safeReturnPath(req.session.returnTo);
    // Requests racing with one cookie (or a copy of the pre-login session) all get this far: one wins.
    if (!(await this.sessions.claimOperation(operation.publicId))) throw alreadyCompleted();
    try {
      // The worker links these too, but after it has announced ok: make sure before the browser looks.
      await this.history.claimFailuresOfSession(operation.sessionIdHash, user.id);
      await this.sessions.signIn(req, user.id);
    } catch (error) {
      await this.sessions.releaseOperation(operation.publicId);
      throw error;
    }
    return { user: toUserView(user), returnTo };
  }

  /** Ends the session on the server and clears the cookie. */
  @Post('logout')
  @HttpCode(204)
  @UseGuards(SameOriginGuard)
  async logout(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.sessions.destroy(req, res);
  }

  private async ownedOperation(req: Request): Promise<AsyncOperation> {
    const publicId = req.session?.asyncOperationId;
    const operation = publicId
      ? await this.operations.findOwned(publicId, sessionIdHash(req))
      : null;
    if (!operation) throw new NotFoundException('No sign-in in progress');
    return operation;
  }
}
