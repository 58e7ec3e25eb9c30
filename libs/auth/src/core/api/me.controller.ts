import { Controller, Get, Req, UnauthorizedException, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { UsersService, toUserView, type UserView } from '@app/users';
import { sessionProfileView } from '../session/session-profile';
import { ApiSignedIn } from './api-docs.decorators';
import { MeViewDto } from './auth-api.dto';
import { AuthenticatedGuard } from './authenticated.guard';

/** GET /api/me: the signed-in person, and the providers linked to them. */
export type MeView = UserView & { providers: string[] };

@ApiTags('account')
@Controller('api/me')
@UseGuards(AuthenticatedGuard)
export class MeController {
  constructor(private readonly users: UsersService) {}

  /**
   * The signed-in user's profile, as of this session's sign-in: kept in the
   * session, so the SPA's checks cost no query (a new sign-in refreshes it;
   * a deletion or deauthorize ends the session). Sessions signed in before
   * it was kept there read the database. The linked providers are read once
   * per session (a link signs a new session in) and kept there too.
   */
  @Get()
  @ApiOperation({ summary: "The signed-in user's stored profile, and the providers linked to them" })
  @ApiOkResponse({ type: MeViewDto, description: 'The profile and `providers`, the ids of the linked providers.' })
  @ApiSignedIn()
  async me(@Req() req: Request): Promise<MeView> {
    const userId = req.user!.id;
    let profile: UserView;
    if (req.session.profile) {
      profile = sessionProfileView(req.session.profile);
    } else {
      const user = await this.users.findById(userId);
      if (!user) throw new UnauthorizedException('Sign in first');
      profile = toUserView(user);
    }
    req.session.providers ??= await this.users.providersOf(userId);
    return { ...profile, providers: req.session.providers };
  }
}
