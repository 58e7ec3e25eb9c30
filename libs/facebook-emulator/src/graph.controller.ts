import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { SPENDING_FAULT_KINDS, type GraphEndpoint } from './emulator-knobs.schemas';
import {
  EmulatorStateService,
  type EmulatorFault,
  type GraphUserProfile,
} from './emulator-state.service';
import { FacebookErrors, type FacebookErrorResponse } from './facebook-errors';
import { collectParams, versionPrefix, type Params } from './request-params';

/** The Graph version reported when a request names none. */
export const DEFAULT_GRAPH_VERSION = 'v25.0';

/** Bodies of the 'malformed' fault: a 200 whose JSON stops mid-way. */
export const MALFORMED_TOKEN_BODY = '{"access_token": ';
export const MALFORMED_ME_BODY = '{"id": ';
export const HUGE_FIRST_NAME_LENGTH = 100_000;

/** Faults that still run the real lookup and then distort its answer. */
type ProfileFault = EmulatorFault & { kind: 'huge' | 'missing-id' };
/** Faults that spend the code (the real exchange runs) and then misbehave. */
type SpendingFault = EmulatorFault & { kind: 'spend-then-late' | 'spend-then-hang' | 'spend-then-drop' };
type DeferredFault = ProfileFault | SpendingFault;

/** graph.facebook.com/<version>/oauth/access_token and /<version>/me. */
@Controller()
export class GraphController {
  constructor(private readonly state: EmulatorStateService) {}

  @Get(['oauth/access_token', ':version/oauth/access_token'])
  tokenViaGet(
    @Param('version') version: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.token(version, req, res, collectParams(req.query));
  }

  @Post(['oauth/access_token', ':version/oauth/access_token'])
  tokenViaPost(
    @Param('version') version: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.token(version, req, res, collectParams(req.query, req.body));
  }

  @Get(['me', ':version/me'])
  async me(
    @Param('version') version: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    if (!this.acceptVersion(version, req, res)) return;
    const params = collectParams(req.query);
    this.state.recordMeCall();
    const outcome = await this.preamble('me', res);
    if (outcome === 'answered') return;

    const result = this.state.getProfile({
      accessToken: params.access_token || headerToken(req),
      appsecretProof: params.appsecret_proof,
      fields: params.fields,
    });
    if (!result.ok) return sendError(res, result.error);
    if (!outcome || isSpending(outcome)) return sendJson(res, 200, result.profile);
    const lastName = this.state.getUser(result.userId)?.last_name ?? '';
    sendJson(res, 200, distort(result.profile, outcome, lastName));
  }

  private async token(
    version: string | undefined,
    req: Request,
    res: Response,
    params: Params,
  ): Promise<void> {
    if (!this.acceptVersion(version, req, res)) return;
    this.state.recordTokenCall(params.code);
    // Most faults and injected failures answer before the code is looked at,
    // so a client retry with the same code can still succeed; the spend-then-*
    // ones run the real exchange first, as a slow Facebook does.
    const outcome = await this.preamble('token', res);
    if (outcome === 'answered') return;
    const result = this.state.exchangeCode({
      clientId: params.client_id,
      clientSecret: params.client_secret,
      redirectUri: params.redirect_uri,
      code: params.code,
      codeVerifier: params.code_verifier,
    });
    res.set('Cache-Control', 'no-store');
    if (outcome && isSpending(outcome)) {
      if (outcome.kind === 'spend-then-hang') return this.hang(res);
      if (outcome.kind === 'spend-then-drop') {
        res.socket?.destroy();
        return;
      }
      if (!(await this.delay(res, outcome.delayMs ?? 0))) return;
    }
    if (!result.ok) return sendError(res, result.error);
    sendJson(res, 200, result.body);
  }

  private acceptVersion(
    version: string | undefined,
    req: Request,
    res: Response,
  ): boolean {
    const prefix = versionPrefix(version);
    if (prefix === undefined) {
      sendError(res, FacebookErrors.unknownPath(req.path));
      return false;
    }
    res.set('facebook-api-version', version ?? DEFAULT_GRAPH_VERSION);
    return true;
  }

  /**
   * Latency, then the next queued fault, then random failure. 'answered'
   * means the response is handled (or the client left); a DeferredFault asks
   * the caller to distort or delay a normal answer; undefined means proceed normally.
   */
  private async preamble(
    endpoint: GraphEndpoint,
    res: Response,
  ): Promise<'answered' | DeferredFault | undefined> {
    if (!(await this.delay(res, this.state.sampleLatencyMs()))) return 'answered';
    const fault = this.state.takeFault(endpoint);
    if (fault) {
      switch (fault.kind) {
        case 'huge':
        case 'missing-id':
          return fault as ProfileFault;
        case 'spend-then-late':
        case 'spend-then-hang':
        case 'spend-then-drop':
          return fault as SpendingFault;
        case 'status':
          sendError(res, FacebookErrors.unexpected(fault.status ?? 500));
          return 'answered';
        case 'throttle':
          sendError(res, FacebookErrors.throttled());
          return 'answered';
        case 'malformed':
          res
            .status(200)
            .type('application/json')
            .send(
              endpoint === 'token' ? MALFORMED_TOKEN_BODY : MALFORMED_ME_BODY,
            );
          return 'answered';
        case 'hang':
          this.hang(res);
          return 'answered';
      }
    }
    if (this.state.shouldInjectFailure()) {
      sendError(res, FacebookErrors.unexpected());
      return 'answered';
    }
    return undefined;
  }

  /** Never answers; the socket goes when the client gives up, or on reset/close. */
  private hang(res: Response): void {
    if (!res.socket || res.socket.destroyed) return;
    const untrack = this.state.trackInFlight(
      { destroy: () => res.destroy() },
      'hang',
    );
    res.once('close', untrack);
  }

  /** Resolves false if the client disconnected (or shutdown) while waiting. */
  private delay(res: Response, ms: number): Promise<boolean> {
    if (ms <= 0) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      let untrack: () => void = () => undefined;
      const finish = (proceed: boolean): void => {
        clearTimeout(timer);
        res.off('close', onClose);
        untrack();
        resolve(proceed);
      };
      const onClose = (): void => finish(false);
      const timer = setTimeout(() => finish(true), ms);
      res.once('close', onClose);
      untrack = this.state.trackInFlight(
        {
          destroy: () => {
            finish(false);
            res.destroy();
          },
        },
        'delay',
      );
    });
  }
}

function isSpending(fault: DeferredFault): fault is SpendingFault {
  return SPENDING_FAULT_KINDS.has(fault.kind);
}

function distort(
  profile: GraphUserProfile,
  fault: ProfileFault,
  lastName: string,
): GraphUserProfile {
  const distorted: GraphUserProfile = { ...profile };
  if (fault.kind === 'missing-id') {
    delete distorted.id;
    return distorted;
  }
  // Still a valid profile; first_name is always present so clients see it.
  const huge = 'a'.repeat(HUGE_FIRST_NAME_LENGTH);
  distorted.first_name = huge;
  if (profile.name !== undefined) distorted.name = `${huge} ${lastName}`;
  if (profile.short_name !== undefined) distorted.short_name = huge;
  return distorted;
}

/** `Authorization: Bearer <token>` or Facebook's older `OAuth <token>`. */
function headerToken(req: Request): string | undefined {
  const match = /^(?:Bearer|OAuth)\s+(\S+)\s*$/i.exec(
    req.get('authorization') ?? '',
  );
  return match?.[1];
}

function sendJson(res: Response, status: number, body: object): void {
  res.status(status).json(body);
}

function sendError(res: Response, error: FacebookErrorResponse): void {
  const { code, message } = error.body.error;
  // Graph sends these challenges alongside auth errors.
  if (code === 190 || code === 2500) {
    const reason = code === 190 ? 'invalid_token' : 'invalid_request';
    res.set(
      'WWW-Authenticate',
      `OAuth "Facebook Platform" "${reason}" "${message}"`,
    );
  }
  sendJson(res, error.status, error.body);
}
