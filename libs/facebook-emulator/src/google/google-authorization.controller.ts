import { Controller, Get, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { redirectBrowser, sendHtml } from '../html-page';
import { appendQuery, collectParams, type Params } from '../request-params';
import { renderAccountChooserPage, renderGoogleErrorPage } from './google-account-chooser-page';
import {
  ACCOUNT_FIELD,
  parseGoogleAuthorizationRequest,
  type GoogleAuthorizationRejection,
  type GoogleAuthorizationRequest,
} from './google-authorization-request';
import { GOOGLE_PATH_PREFIX, GOOGLE_ROUTES } from './google-emulator.constants';
import { GoogleEmulatorStateService, grantedScopeString } from './google-emulator-state.service';

const AUTHORIZATION_PATH = `${GOOGLE_PATH_PREFIX}${GOOGLE_ROUTES.authorization}`;
const CHOOSE_PATH = `${AUTHORIZATION_PATH}/choose`;
const CANCEL_PATH = `${AUTHORIZATION_PATH}/cancel`;

/** accounts.google.com/o/oauth2/v2/auth: the account chooser and its two buttons. */
@Controller()
export class GoogleAuthorizationController {
  constructor(private readonly state: GoogleEmulatorStateService) {}

  @Get(AUTHORIZATION_PATH)
  show(@Req() req: Request, @Res() res: Response): void {
    const parsed = parseGoogleAuthorizationRequest(collectParams(req.query), this.state);
    if (!parsed.ok) return sendRejection(res, parsed.rejection);
    sendHtml(
      res,
      200,
      renderAccountChooserPage({
        request: parsed.request,
        users: this.state.listUsers(),
        chooseAction: CHOOSE_PATH,
        cancelAction: CANCEL_PATH,
      }),
    );
  }

  @Post(CHOOSE_PATH)
  choose(@Req() req: Request, @Res() res: Response): void {
    this.withRequest(req, res, (request, params) => {
      const sub = params[ACCOUNT_FIELD];
      const user = sub ? this.state.getUser(sub) : undefined;
      if (!user) {
        return sendRejection(res, {
          status: 400,
          error: 'invalid_request',
          message: 'This test account does not exist (any more). Go back and pick another one.',
        });
      }
      const code = this.state.issueCode({
        clientId: request.client.clientId,
        redirectUri: request.redirectUri,
        sub: user.sub,
        scopes: request.scopes,
        nonce: request.nonce,
        codeChallenge: request.codeChallenge,
      });
      // Google's order: state, code, scope, authuser, prompt.
      redirectBrowser(
        res,
        appendQuery(request.redirectUri, {
          state: request.state,
          code,
          scope: grantedScopeString(request.scopes),
          authuser: '0',
          prompt: 'consent',
        }),
      );
    });
  }

  @Post(CANCEL_PATH)
  cancel(@Req() req: Request, @Res() res: Response): void {
    this.withRequest(req, res, (request) =>
      redirectBrowser(
        res,
        appendQuery(request.redirectUri, {
          error: 'access_denied',
          state: request.state,
        }),
      ),
    );
  }

  private withRequest(
    req: Request,
    res: Response,
    handle: (request: GoogleAuthorizationRequest, params: Params) => void,
  ): void {
    // Forms post urlencoded bodies; query parameters are accepted as a fallback.
    const params = collectParams(req.query, req.body);
    const parsed = parseGoogleAuthorizationRequest(params, this.state);
    if (!parsed.ok) return sendRejection(res, parsed.rejection);
    handle(parsed.request, params);
  }
}

function sendRejection(res: Response, rejection: GoogleAuthorizationRejection): void {
  sendHtml(res, rejection.status, renderGoogleErrorPage(rejection));
}
