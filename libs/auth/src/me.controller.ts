import { Controller, Get, Req, UnauthorizedException, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { UsersService, toUserView, type UserView } from '@app/users';
import { AuthenticatedGuard } from './authenticated.guard';

@Controller('api/me')
@UseGuards(AuthenticatedGuard)
export class MeController {
  constructor(private readonly users: UsersService) {}

  /** The signed-in user's stored profile. */
  @Get()
  async me(@Req() req: Request): Promise<UserView> {
    const user = await this.users.findById(req.user!.id);
    if (!user) throw new UnauthorizedException('Sign in first');
    return toUserView(user);
  }
}
