import {
  applyDecorators,
  BadRequestException,
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  Logger,
  NotFoundException,
  Param,
  Post,
  UseGuards,
} from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ConfigService } from '@nestjs/config';
import type { ApiEnv } from '@app/config';
import { PUBLIC_ID_PATTERN, UsersService } from '@app/users';
import { ApiHttpError, ApiRateLimited } from '../../core/api/api-docs.decorators';
import { SessionLifecycle } from '../../core/session/session-lifecycle';
import { DataDeletionAnswerDto, DeauthorizeAnswerDto, SignedRequestFormDto } from './facebook-platform.dto';
import { InvalidSignedRequestError, parseSignedRequest, type SignedRequestPayload } from './signed-request';
import { SignedRequestLedger, type SignedRequestPurpose } from './signed-request-ledger';

const DELETION_STATUS_PATH = '/auth/facebook/data-deletion';

/** The form body of Facebook's server-to-server callbacks. */
const ApiSignedRequestBody = () =>
  applyDecorators(ApiConsumes('application/x-www-form-urlencoded'), ApiBody({ type: SignedRequestFormDto }));

/**
 * Facebook's server-to-server callbacks, authenticated by a signed_request
 * (HMAC-SHA256 with the app secret) rather than a session:
 * - Data Deletion Request: delete the profile and everything tied to it, end
 *   the person's sessions, answer `{url, confirmation_code}`.
 * - Deauthorize: the person removed the app; end their sessions. The profile
 *   stays until they ask for deletion (see README).
 * Each signed_request is taken once: a replay within its validity window is
 * a 400 and changes nothing (SignedRequestLedger, in Redis).
 */
@ApiTags('facebook-callbacks')
@Controller('auth/facebook')
@UseGuards(ThrottlerGuard)
export class FacebookPlatformController {
  private readonly logger = new Logger(FacebookPlatformController.name);
  private readonly appSecret: string;
  private readonly publicUrl: string;

  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionLifecycle,
    private readonly ledger: SignedRequestLedger,
    config: ConfigService<ApiEnv, true>,
  ) {
    this.appSecret = config.get('FACEBOOK_APP_SECRET', { infer: true });
    this.publicUrl = config.get('PUBLIC_URL', { infer: true });
  }

  @Post('data-deletion')
  @HttpCode(200)
  @ApiOperation({
    summary: "Facebook's Data Deletion Request callback",
    description:
      'Verifies the `signed_request` (HMAC-SHA256 with the app secret), deletes the profile and its sign-in history, ends its sessions.',
  })
  @ApiSignedRequestBody()
  @ApiOkResponse({ type: DataDeletionAnswerDto, description: 'Where the person can check the request, and its code.' })
  @ApiHttpError(400, 'Missing or invalid `signed_request`.')
  @ApiRateLimited()
  dataDeletion(@Body() body: unknown): Promise<{ url: string; confirmation_code: string }> {
    return this.once('data-deletion', body, async (request) => {
      const { confirmationCode, deletedUserId } = await this.users.deleteByFacebookId(request.user_id);
      if (deletedUserId !== null) await this.endSessions(deletedUserId);
      this.logger.log(
        `Data deletion ${confirmationCode}: ${deletedUserId !== null ? 'profile deleted' : 'no profile stored'}`,
      );
      return {
        url: `${this.publicUrl}${DELETION_STATUS_PATH}/${confirmationCode}`,
        confirmation_code: confirmationCode,
      };
    });
  }

  /** The page a person opens to check their deletion request. */
  @Get('data-deletion/:code')
  @ApiOperation({ summary: 'The status page of a data deletion request' })
  @ApiParam({ name: 'code', description: 'The confirmation code of the request.', schema: { type: 'string' } })
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'An HTML page.', schema: { type: 'string' } })
  @ApiHttpError(404, 'No request with this confirmation code.')
  @ApiRateLimited()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  async deletionStatus(@Param('code') code: string): Promise<string> {
    const request = PUBLIC_ID_PATTERN.test(code) ? await this.users.findDeletionRequest(code) : null;
    if (!request) throw new NotFoundException('No deletion request with this confirmation code');
    const when = request.completedAt.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
    const what = request.profileFound
      ? 'We deleted your profile and your sign-in history.'
      : 'We held no data about you, so there was nothing to delete.';
    return statusPage(code, `Completed on ${when}. ${what}`);
  }

  @Post('deauthorize')
  @HttpCode(200)
  @ApiOperation({ summary: "Facebook's Deauthorize callback: end the person's sessions" })
  @ApiSignedRequestBody()
  @ApiOkResponse({ type: DeauthorizeAnswerDto, description: 'Done; the profile stays until a deletion request.' })
  @ApiHttpError(400, 'Missing or invalid `signed_request`.')
  @ApiRateLimited()
  deauthorize(@Body() body: unknown): Promise<{ ok: true }> {
    return this.once('deauthorize', body, async (request) => {
      const user = await this.users.findByFacebookId(request.user_id);
      if (user) await this.endSessions(user.id);
      return { ok: true as const };
    });
  }

  /**
   * Verifies the signed_request, claims it (a replay is a 400 before anything
   * happens), then does the work. Should the work fail (MySQL away: 503), the
   * claim is given back so Facebook's retry of the same request goes through.
   */
  private async once<T>(
    purpose: SignedRequestPurpose,
    body: unknown,
    work: (request: SignedRequestPayload) => Promise<T>,
  ): Promise<T> {
    const signedRequest = (body as { signed_request?: unknown } | null)?.signed_request;
    const request = this.verify(signedRequest);
    const text = signedRequest as string; // verify() accepted it, so it is one string
    if (!(await this.ledger.claim(purpose, text, request))) {
      throw new BadRequestException('signed_request was already used (a replay)');
    }
    try {
      return await work(request);
    } catch (error) {
      await this.ledger.release(purpose, text).catch((releaseError: Error) => {
        this.logger.warn(`Could not release a signed_request after a failure: ${releaseError.message}`);
      });
      throw error;
    }
  }

  private verify(signedRequest: unknown): SignedRequestPayload {
    try {
      return parseSignedRequest(signedRequest, this.appSecret);
    } catch (error) {
      if (error instanceof InvalidSignedRequestError) throw new BadRequestException(error.message);
      throw error;
    }
  }

  private async endSessions(userId: number): Promise<void> {
    try {
      await this.sessions.destroyAllFor(userId);
    } catch (error) {
      // The profile is gone either way; a surviving session finds no user and is signed out.
      this.logger.warn(`Could not end the sessions of user ${userId}: ${(error as Error).message}`);
    }
  }
}

function statusPage(code: string, text: string): string {
  // `code` matched PUBLIC_ID_PATTERN ([A-Za-z0-9_-]) and `text` is ours: nothing to escape.
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Data deletion request</title></head>
<body>
<main>
<h1>Data deletion request</h1>
<p>Confirmation code: <code>${code}</code></p>
<p>${text}</p>
</main>
</body>
</html>
`;
}
