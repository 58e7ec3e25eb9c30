import { Controller, Get, HttpCode, NotFoundException, Post, Req, Res, UseGuards } from '@nestjs/common';
import { SkipThrottle, ThrottlerException, ThrottlerGuard } from '@nestjs/throttler';
import { ConfigService } from '@nestjs/config';
import {
  ApiCookieAuth,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { ApiEnv } from '@app/config';
import {
  AsyncOperationsService,
  OperationStatusWatcher,
  OperationView,
  toOperationView,
  type OwnedOperation,
} from '@app/async-operations';
import { ApiCrossSite, ApiHttpError, ApiRateLimited } from './api-docs.decorators';
import { OperationStatusEventDto, OperationViewDto } from './auth-api.dto';
import { EventStream } from './event-stream';
import { SameOriginGuard } from './same-origin.guard';
import { SessionLifecycle } from '../session/session-lifecycle';
import { SignInAnnouncement, signInContext } from './sign-in-announcement';
import { sessionIdHash } from '../session/session.types';

const TERMINAL_EVENT_IDS = new Set(['ok', 'error']);

/** How soon a browser whose stream ended for a shutdown reconnects (to another instance). */
export const SHUTDOWN_RETRY_MS = 500;

/** The JSON and SSE routes the SPA uses while a sign-in is under way. */
@ApiTags('sign-in')
@ApiCookieAuth('session')
@Controller('api/auth')
@UseGuards(ThrottlerGuard)
export class AuthApiController {
  /**
   * Open streams of one attempt per API process (STREAMS_PER_ATTEMPT_MAX).
   * The stream route is not counted by the (Redis) rate limit, which would
   * cost every sign-in three Redis commands: only a session that owns an
   * attempt gets a stream, and a rate-limited callback is the only way to get
   * one; this cap keeps that one session from holding connections without
   * end. A browser needs one (a few tabs, a reconnect that overlaps the old one).
   */
  private readonly streamsPerAttemptMax: number;

  constructor(
    private readonly operations: AsyncOperationsService,
    private readonly watcher: OperationStatusWatcher,
    private readonly sessions: SessionLifecycle,
    private readonly signIns: SignInAnnouncement,
    config: ConfigService<ApiEnv, true>,
  ) {
    this.streamsPerAttemptMax = config.get('STREAMS_PER_ATTEMPT_MAX', { infer: true });
  }

  /**
   * This browser's latest login attempt. Once it is ok the session is signed
   * in, and the answer says as whom (`user`) and where to go (`returnTo`).
   */
  @Get('operation')
  @ApiOperation({
    summary: "This browser's latest sign-in attempt",
    description:
      'Once the attempt is `ok` the session is signed in (the worker did it before announcing the ok) and the answer carries `user` and `returnTo`. There is no separate "complete" step.',
  })
  @ApiOkResponse({ type: OperationViewDto, description: 'The attempt.' })
  @ApiHttpError(404, 'This session has no attempt.')
  @ApiRateLimited()
  async operation(@Req() req: Request): Promise<OperationView> {
    const context = signInContext(req);
    const settled = this.signIns.fromSession(context, this.currentOperationId(req));
    if (settled) return settled;
    const operation = await this.ownedOperation(req);
    return this.signIns.complete(context, toOperationView(operation), operation);
  }

  /**
   * `event: status` with the operation JSON: the current status first, then
   * every change; the stream ends after ok or error. The ok event means the
   * session is signed in: it carries `user` and `returnTo`, and the browser
   * needs no other request. Each event's id is its status, so a browser that
   * already saw the end and reconnects is told 204, which stops EventSource
   * for good. When the process shuts down, open streams get one
   * `event: reconnect` with a `retry:` hint and end, so EventSource comes
   * back at once, to an instance that is up.
   *
   * Written to the response directly (`@Res()`, EventStream), not through
   * `@Sse()`'s rxjs and Transform stream: thousands stay open at once, and
   * each keeps alive only what it needs (docs/BENCHMARKS.md).
   */
  @Get('operation/events')
  @SkipThrottle()
  @ApiOperation({
    summary: 'The live status of the attempt (server-sent events)',
    description:
      'A `text/event-stream`: the current status first, then every change, each as `event: status`, `id: <status>`, `data: <the operation JSON>`. The stream ends after `ok` or `error`. The `ok` event means the session is already signed in: its `user` is who (what `GET /api/me` answers) and `returnTo` where to go, so the browser needs no other request. A reconnect whose `Last-Event-ID` is already final gets 204, which stops EventSource for good. When the server shuts down, an open stream gets one `event: reconnect` with a `retry:` hint and ends, so EventSource comes back to an instance that is up.',
  })
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    description: "Sent by EventSource on reconnect: the last event's id (a status).",
    schema: { type: 'string', enum: ['pending', 'ok', 'error'] },
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    type: OperationStatusEventDto,
    description: 'The stream. Each event is one `OperationStatusEvent`.',
    example:
      'event: status\nid: pending\ndata: {"id":"q1w2e3r4t5y6u7i8o9p0aA","status":"pending"}\n\nevent: status\nid: ok\ndata: {"id":"q1w2e3r4t5y6u7i8o9p0aA","status":"ok","user":{"id":"Zx8Yw7Vu6Ts5Rq4Po3Nm2L","firstName":"Alice","lastName":"Anderson","email":"alice@example.com","declined":[],"pictureUrl":null},"returnTo":"/"}\n\n',
  })
  @ApiNoContentResponse({ description: 'Reconnected after the final status: nothing more will come.' })
  @ApiHttpError(404, 'This session has no attempt.')
  @ApiRateLimited()
  async events(@Req() req: Request, @Res() res: Response): Promise<void> {
    const publicId = this.currentOperationId(req);
    const lastEventId = req.get('last-event-id');
    if (lastEventId && TERMINAL_EVENT_IDS.has(lastEventId)) {
      res.status(204).end();
      return;
    }
    if (this.watcher.streamsOf(publicId) >= this.streamsPerAttemptMax) throw new ThrottlerException();
    const stream = new EventStream(res);
    if (this.watcher.closing) {
      // A stream that opens while the process is already shutting down is told to go elsewhere at once.
      stream.open();
      return this.reconnectElsewhere(stream);
    }
    const context = signInContext(req);
    const settled = this.signIns.fromSession(context, publicId);
    if (settled) {
      // Opened after its sign-in: nothing is left to hear, and nothing to read.
      stream.open();
      stream.send({ event: 'status', id: settled.status, data: settled });
      stream.end();
      return;
    }
    // Listening starts before the ownership check's read, which then doubles as the snapshot.
    const watch = this.watcher.open(publicId);
    const stopOnShutdown = this.watcher.onShutdown(() => this.reconnectElsewhere(stream));
    res.once('close', () => {
      watch.close();
      stopOnShutdown();
    });
    let snapshot: OwnedOperation | null;
    try {
      snapshot = await this.operations.findOwned(publicId, sessionIdHash(req));
    } catch (error) {
      watch.close();
      throw error;
    }
    if (!snapshot) {
      watch.close();
      throw new NotFoundException('No sign-in in progress');
    }
    // An ok in the snapshot carries its user's id; an ok heard later is completed from a fresh read.
    const known = snapshot.userProfileId !== null ? snapshot : undefined;
    stream.open();
    let sent = Promise.resolve();
    watch.start(toOperationView(snapshot), {
      // In order: an ok may take a moment to complete (see SignInAnnouncement).
      next: (view) => {
        sent = sent
          .then(() => this.signIns.complete(context, view, known))
          .then((final) => stream.send({ event: 'status', id: final.status, data: final }));
      },
      end: () => void sent.finally(() => stream.end()),
    });
  }

  private reconnectElsewhere(stream: EventStream): void {
    stream.send({ event: 'reconnect', retry: SHUTDOWN_RETRY_MS, data: {} });
    stream.end();
  }

  /** Ends the session on the server and clears the cookie. */
  @Post('logout')
  @HttpCode(204)
  @UseGuards(SameOriginGuard)
  @ApiOperation({ summary: 'End the session on the server and clear the cookie' })
  @ApiNoContentResponse({ description: 'Logged out.' })
  @ApiCrossSite()
  @ApiRateLimited()
  async logout(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.sessions.destroy(req, res);
  }

  private currentOperationId(req: Request): string {
    const publicId = req.session?.asyncOperationId;
    if (!publicId) throw new NotFoundException('No sign-in in progress');
    return publicId;
  }

  private async ownedOperation(req: Request): Promise<OwnedOperation> {
    const operation = await this.operations.findOwned(this.currentOperationId(req), sessionIdHash(req));
    if (!operation) throw new NotFoundException('No sign-in in progress');
    return operation;
  }
}
