import { Controller, Get, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { FaultPlayback, isDistortingFault, isSpendingFault, type FaultAnswers } from '../fault-playback';
import { collectParams } from '../request-params';
import { GOOGLE_PATH_PREFIX, GOOGLE_ROUTES, type GoogleEndpoint } from './google-emulator.constants';
import { GoogleEmulatorStateService, type IdentityDistortion } from './google-emulator-state.service';
import { GoogleErrors, type GoogleErrorResponse } from './google-errors';

/** Bodies of the 'malformed' fault: a 200 whose JSON stops mid-way. */
export const MALFORMED_GOOGLE_BODIES: Readonly<Record<GoogleEndpoint, string>> = {
  discovery: '{"issuer": ',
  token: '{"access_token": ',
  jwks: '{"keys": [',
  userinfo: '{"sub": ',
};

// Google publishes these with long cache lifetimes; the key lives as long as the process.
const DISCOVERY_CACHE_CONTROL = 'public, max-age=3600';

function faultAnswers(endpoint: GoogleEndpoint): FaultAnswers {
  return {
    status: (res, status) => sendError(res, GoogleErrors.backendError(status)),
    throttle: (res) => sendError(res, GoogleErrors.rateLimited()),
    failure: (res) => sendError(res, GoogleErrors.backendError()),
    malformedBody: MALFORMED_GOOGLE_BODIES[endpoint],
  };
}

const FAULT_ANSWERS: Readonly<Record<GoogleEndpoint, FaultAnswers>> = {
  discovery: faultAnswers('discovery'),
  token: faultAnswers('token'),
  jwks: faultAnswers('jwks'),
  userinfo: faultAnswers('userinfo'),
};

const path = (route: string): string => `${GOOGLE_PATH_PREFIX}${route}`;

/**
 * What a server calls: discovery, the JWKS, the token endpoint and
 * userinfo (accounts.google.com, oauth2.googleapis.com,
 * openidconnect.googleapis.com and www.googleapis.com on the real thing).
 */
@Controller()
export class GoogleApiController {
  private readonly playback: FaultPlayback<GoogleEndpoint>;

  constructor(private readonly state: GoogleEmulatorStateService) {
    this.playback = new FaultPlayback(state.faultInjector);
  }

  @Get(path(GOOGLE_ROUTES.discovery))
  async discovery(@Req() req: Request, @Res() res: Response): Promise<void> {
    this.state.recordCall('discovery');
    const outcome = await this.playback.preamble('discovery', res, FAULT_ANSWERS.discovery);
    if (outcome === 'answered') return;
    res.set('Cache-Control', DISCOVERY_CACHE_CONTROL);
    res.status(200).json(this.state.discovery(requestOrigin(req)));
  }

  @Get(path(GOOGLE_ROUTES.jwks))
  async jwks(@Res() res: Response): Promise<void> {
    this.state.recordCall('jwks');
    const outcome = await this.playback.preamble('jwks', res, FAULT_ANSWERS.jwks);
    if (outcome === 'answered') return;
    res.set('Cache-Control', DISCOVERY_CACHE_CONTROL);
    res.status(200).json(this.state.jwks());
  }

  @Post(path(GOOGLE_ROUTES.token))
  async token(@Req() req: Request, @Res() res: Response): Promise<void> {
    // RFC 6749 §3.2: the parameters travel in the form body, not the query.
    const params = collectParams(req.body);
    this.state.recordCall('token', params.code);
    // Most faults and injected failures answer before the code is looked at,
    // so a client retry with the same code can still succeed; the spend-then-*
    // ones run the real exchange first, as a slow Google does.
    const outcome = await this.playback.preamble('token', res, FAULT_ANSWERS.token);
    if (outcome === 'answered') return;
    const result = await this.state.exchangeCode(
      {
        grantType: params.grant_type,
        code: params.code,
        redirectUri: params.redirect_uri,
        codeVerifier: params.code_verifier,
        clientId: params.client_id,
        clientSecret: params.client_secret,
        authorization: req.get('authorization'),
        origin: requestOrigin(req),
      },
      distortionOf(outcome),
    );
    res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    if (outcome && isSpendingFault(outcome)) {
      if (!(await this.playback.afterSpending(res, outcome))) return;
    }
    if (!result.ok) return sendError(res, result.error);
    res.status(200).json(result.body);
  }

  @Get(path(GOOGLE_ROUTES.userinfo))
  userinfoViaGet(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.userinfo(req, res, collectParams(req.query).access_token);
  }

  // OpenID Connect Core §5.3.1: userinfo answers POST too.
  @Post(path(GOOGLE_ROUTES.userinfo))
  userinfoViaPost(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.userinfo(req, res, collectParams(req.query, req.body).access_token);
  }

  private async userinfo(req: Request, res: Response, paramToken: string | undefined): Promise<void> {
    this.state.recordCall('userinfo');
    const outcome = await this.playback.preamble('userinfo', res, FAULT_ANSWERS.userinfo);
    if (outcome === 'answered') return;
    const result = this.state.userinfo(bearerToken(req) ?? paramToken, distortionOf(outcome));
    res.set('Cache-Control', 'no-store');
    if (!result.ok) return sendError(res, result.error);
    res.status(200).json(result.body);
  }
}

function distortionOf(
  outcome: Awaited<ReturnType<FaultPlayback<GoogleEndpoint>['preamble']>>,
): IdentityDistortion | undefined {
  return outcome && outcome !== 'answered' && isDistortingFault(outcome) ? outcome.kind : undefined;
}

/** Where the request arrived (the host guard has vouched for the Host header). */
function requestOrigin(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? '127.0.0.1'}`;
}

function bearerToken(req: Request): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
  return match?.[1];
}

function sendError(res: Response, error: GoogleErrorResponse): void {
  if (error.headers) res.set(error.headers);
  res.status(error.status).json(error.body);
}
