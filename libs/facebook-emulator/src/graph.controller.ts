import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { GraphEndpoint } from './emulator-knobs.schemas';
import { EmulatorStateService, type GraphUserProfile } from './emulator-state.service';
import { FacebookErrors, type FacebookErrorResponse } from './facebook-errors';
import {
  FaultPlayback,
  HUGE_NAME_LENGTH,
  isSpendingFault,
  type DistortingFault,
  type FaultAnswers,
} from './fault-playback';
import { collectParams, versionPrefix, type Params } from './request-params';

/** The Graph version reported when a request names none. */
export const DEFAULT_GRAPH_VERSION = 'v25.0';

/** Bodies of the 'malformed' fault: a 200 whose JSON stops mid-way. */
export const MALFORMED_TOKEN_BODY = '{"access_token": ';
export const MALFORMED_ME_BODY = '{"id": ';
export const MALFORMED_PERMISSIONS_BODY = '{"data": [';
export const HUGE_FIRST_NAME_LENGTH = HUGE_NAME_LENGTH;

function faultAnswers(endpoint: GraphEndpoint): FaultAnswers {
  return {
    status: (res, status) => sendError(res, FacebookErrors.unexpected(status)),
    throttle: (res) => sendError(res, FacebookErrors.throttled()),
    failure: (res) => sendError(res, FacebookErrors.unexpected()),
    malformedBody: { token: MALFORMED_TOKEN_BODY, me: MALFORMED_ME_BODY, permissions: MALFORMED_PERMISSIONS_BODY }[
      endpoint
    ],
  };
}

const FAULT_ANSWERS: Readonly<Record<GraphEndpoint, FaultAnswers>> = {
  token: faultAnswers('token'),
  me: faultAnswers('me'),
  permissions: faultAnswers('permissions'),
};

/** graph.facebook.com/<version>/oauth/access_token, /<version>/me and /<version>/me/permissions. */
@Controller()
export class GraphController {
  private readonly playback: FaultPlayback<GraphEndpoint>;

  constructor(private readonly state: EmulatorStateService) {
    this.playback = new FaultPlayback(state.faultInjector);
  }

  @Get(['oauth/access_token', ':version/oauth/access_token'])
  tokenViaGet(@Param('version') version: string | undefined, @Req() req: Request, @Res() res: Response): Promise<void> {
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
  async me(@Param('version') version: string | undefined, @Req() req: Request, @Res() res: Response): Promise<void> {
    if (!this.acceptVersion(version, req, res)) return;
    const params = collectParams(req.query);
    this.state.recordMeCall();
    const outcome = await this.playback.preamble('me', res, FAULT_ANSWERS.me);
    if (outcome === 'answered') return;

    const result = this.state.getProfile({
      accessToken: params.access_token || headerToken(req),
      appsecretProof: params.appsecret_proof,
      appsecretTime: params.appsecret_time,
      fields: params.fields,
      // The browser loads the picture, so its origin is the browser-facing one when configured
      // (the worker may ask at 127.0.0.1); else the Host, which the host guard checked names this emulator.
      pictureBaseUrl: this.state.publicOrigin ?? `${req.protocol}://${req.get('host')}`,
    });
    if (!result.ok) return sendError(res, result.error);
    if (!outcome || isSpendingFault(outcome)) {
      return sendJson(res, 200, result.profile);
    }
    const lastName = this.state.getUser(result.userId)?.last_name ?? '';
    sendJson(res, 200, distort(result.profile, outcome, lastName));
  }

  /** What the token's person granted and declined, with /me's token and appsecret_proof checks. */
  @Get(['me/permissions', ':version/me/permissions'])
  async permissions(
    @Param('version') version: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    if (!this.acceptVersion(version, req, res)) return;
    const params = collectParams(req.query);
    this.state.recordPermissionsCall();
    const outcome = await this.playback.preamble('permissions', res, FAULT_ANSWERS.permissions);
    if (outcome === 'answered') return;
    const result = this.state.getPermissions({
      accessToken: params.access_token || headerToken(req),
      appsecretProof: params.appsecret_proof,
      appsecretTime: params.appsecret_time,
    });
    if (!result.ok) return sendError(res, result.error);
    sendJson(res, 200, result.body);
  }

  private async token(version: string | undefined, req: Request, res: Response, params: Params): Promise<void> {
    if (!this.acceptVersion(version, req, res)) return;
    this.state.recordTokenCall(params.code);
    // Most faults and injected failures answer before the code is looked at,
    // so a client retry with the same code can still succeed; the spend-then-*
    // ones run the real exchange first, as a slow Facebook does.
    const outcome = await this.playback.preamble('token', res, FAULT_ANSWERS.token);
    if (outcome === 'answered') return;
    const result = this.state.exchangeCode({
      clientId: params.client_id,
      clientSecret: params.client_secret,
      redirectUri: params.redirect_uri,
      code: params.code,
      codeVerifier: params.code_verifier,
    });
    res.set('Cache-Control', 'no-store');
    if (outcome && isSpendingFault(outcome)) {
      if (!(await this.playback.afterSpending(res, outcome))) return;
    }
    if (!result.ok) return sendError(res, result.error);
    sendJson(res, 200, result.body);
  }

  private acceptVersion(version: string | undefined, req: Request, res: Response): boolean {
    const prefix = versionPrefix(version);
    if (prefix === undefined) {
      sendError(res, FacebookErrors.unknownPath(req.path));
      return false;
    }
    res.set('facebook-api-version', version ?? DEFAULT_GRAPH_VERSION);
    return true;
  }
}

function distort(profile: GraphUserProfile, fault: DistortingFault, lastName: string): GraphUserProfile {
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
  const match = /^(?:Bearer|OAuth)\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
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
    res.set('WWW-Authenticate', `OAuth "Facebook Platform" "${reason}" "${message}"`);
  }
  sendJson(res, error.status, error.body);
}
