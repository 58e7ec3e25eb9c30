import { Controller, Get, Header, Req, UseGuards } from '@nestjs/common';
import { ApiCookieAuth, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { OperationHistoryService } from '@app/async-operations/history';
import { HttpErrorDto } from '../api/auth-api.dto';
import { AuthenticatedGuard } from '../api/authenticated.guard';
import { SignInHistoryDto } from './sign-in.dto';

@ApiTags('account')
@Controller('api/me')
@UseGuards(AuthenticatedGuard)
export class SignInHistoryController {
  constructor(private readonly history: OperationHistoryService) {}

  @Get('sign-ins')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: "The signed-in user's recent sign-ins",
    description:
      'The last 10 attempts of this user, newest first: those that signed them in, and the failed ones made in the same browser session as one of their sign-ins.',
  })
  @ApiCookieAuth('session')
  @ApiOkResponse({ type: SignInHistoryDto, description: 'Newest first.' })
  @ApiUnauthorizedResponse({
    type: HttpErrorDto,
    description: 'Not signed in.',
  })
  async signIns(@Req() req: Request): Promise<SignInHistoryDto> {
    return { signIns: await this.history.signInsOf(req.user!.id) };
  }
}
