import { Controller, Get, UnauthorizedException, UseGuards } from '@nestjs/common';
import { AuthenticatedGuard, CurrentUser, type CurrentUserView } from '@app/auth';
import { NotesService, type Note } from './notes.service';

export interface NotesAnswer {
  /** The signed-in person as the API shows them (public id and names; never user_profile.id). */
  owner: { id: string; firstName: string | null; lastName: string | null };
  notes: readonly Note[];
}

/**
 * A host's own route behind the exported guard. It lives under /api/: the
 * core mounts sessions (and passport) on /api/* and /auth/* only, so a route
 * elsewhere has no session for the guard to read.
 */
@Controller('api/notes')
@UseGuards(AuthenticatedGuard)
export class NotesController {
  constructor(private readonly notes: NotesService) {}

  /** 401 signed out; the person's notes signed in. */
  @Get()
  list(@CurrentUser() user: CurrentUserView | null): NotesAnswer {
    // Null only for a session signed in by an older version that kept no profile in it.
    if (!user) throw new UnauthorizedException('Sign in again');
    return {
      owner: { id: user.id, firstName: user.firstName, lastName: user.lastName },
      notes: this.notes.list(user.userProfileId),
    };
  }
}
