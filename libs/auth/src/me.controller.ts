import { Controller, Get, Req, UnauthorizedException, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { UsersService, toUserView, type UserView } from '@app/users';
import { AuthenticatedGuard } from './authenticated.guard';

@Controller('api/me')
@UseGuards(AuthenticatedGuard)
export class MeController {
  constructor(private readonly users: UsersService) {}

  /**
   * The signed-in user's profile, as of this session's sign-in: kept in the
   * session, so the SPA's checks cost no query (a new sign-in refreshes it;
   * a deletion or deauthorize ends the session). Sessions signed in before
   * it was kept there read the database.
   */
  @Get()
  async me(@Req() req: Request): Promise<UserView> {
    if (req.session.profile) return req.session.profile;
    const user = await this.users.findById(req.user!.id);
    if (!user) throw new UnauthorizedException('Sign in first');
    return toUserView(user);
  }
}
