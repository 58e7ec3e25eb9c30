import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { renderConsentPage, renderErrorPage } from './dialog-page';
import {
  buildRedirect,
  parseDialogRequest,
  permissionsToAsk,
  type DialogRejection,
  type DialogRequest,
} from './dialog-request';
import { EmulatorStateService } from './emulator-state.service';
import { redirectBrowser, sendHtml } from './html-page';
import { collectParams, versionPrefix, type Params } from './request-params';

/** www.facebook.com/<version>/dialog/oauth and the two buttons it posts to. */
@Controller()
export class DialogController {
  constructor(private readonly state: EmulatorStateService) {}

  @Get(['dialog/oauth', ':version/dialog/oauth'])
  show(@Param('version') version: string | undefined, @Req() req: Request, @Res() res: Response): void {
    const prefix = versionPrefix(version);
    if (prefix === undefined) return sendNotFound(res);
    const parsed = parseDialogRequest(collectParams(req.query), this.state);
    if (!parsed.ok) return sendRejection(res, parsed.rejection);
    sendHtml(
      res,
      200,
      renderConsentPage({
        request: parsed.request,
        users: this.state.listUsers(),
        confirmAction: `${prefix}/dialog/oauth/confirm`,
        cancelAction: `${prefix}/dialog/oauth/cancel`,
        askedOf: (user) =>
          permissionsToAsk(parsed.request, this.state.declinedBefore(parsed.request.app.appId, user.id)),
      }),
    );
  }

  @Post(['dialog/oauth/confirm', ':version/dialog/oauth/confirm'])
  confirm(@Param('version') version: string | undefined, @Req() req: Request, @Res() res: Response): void {
    this.withRequest(version, req, res, (request, params) => {
      const user = params.user_id ? this.state.getUser(params.user_id) : undefined;
      if (!user) {
        return sendRejection(res, {
          status: 400,
          title: 'Unknown user',
          message: 'This test user does not exist (any more). Go back and pick another one.',
        });
      }
      const asked = permissionsToAsk(request, this.state.declinedBefore(request.app.appId, user.id));
      // A form with "Edit access" sends the ticked boxes; a bare post (a test's) grants all that is asked.
      const ticked = params.edit_access === '1' ? formList(req.body, 'grant') : asked;
      const code = this.state.issueCode({
        clientId: request.app.appId,
        redirectUri: request.redirectUri,
        userId: user.id,
        scopes: ['public_profile', ...asked.filter((scope) => ticked.includes(scope))],
        declined: asked.filter((scope) => !ticked.includes(scope)),
        codeChallenge: request.codeChallenge,
        codeChallengeMethod: request.codeChallengeMethod,
      });
      sendRedirect(res, request, { code });
    });
  }

  @Post(['dialog/oauth/cancel', ':version/dialog/oauth/cancel'])
  cancel(@Param('version') version: string | undefined, @Req() req: Request, @Res() res: Response): void {
    this.withRequest(version, req, res, (request) =>
      sendRedirect(res, request, {
        error: 'access_denied',
        error_code: '200',
        error_description: 'Permissions error',
        error_reason: 'user_denied',
      }),
    );
  }

  private withRequest(
    version: string | undefined,
    req: Request,
    res: Response,
    handle: (request: DialogRequest, params: Params) => void,
  ): void {
    if (versionPrefix(version) === undefined) return sendNotFound(res);
    // Forms post urlencoded bodies; query parameters are accepted as a fallback.
    const params = collectParams(req.query, req.body);
    const parsed = parseDialogRequest(params, this.state);
    if (!parsed.ok) return sendRejection(res, parsed.rejection);
    handle(parsed.request, params);
  }
}

/** Every value of a repeated form field (checkboxes of one name). */
function formList(body: unknown, name: string): string[] {
  const raw = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  const values = Array.isArray(raw) ? raw : [raw];
  return values.filter((value): value is string => typeof value === 'string');
}

function sendRedirect(res: Response, request: DialogRequest, extra: Params): void {
  const query: Params = { ...extra };
  if (request.state !== undefined) query.state = request.state;
  redirectBrowser(res, buildRedirect(request.redirectUri, query));
}

function sendRejection(res: Response, rejection: DialogRejection): void {
  sendHtml(res, rejection.status, renderErrorPage(rejection));
}

function sendNotFound(res: Response): void {
  sendRejection(res, {
    status: 404,
    title: 'Page not found',
    message: 'The version segment must look like v25.0.',
  });
}
