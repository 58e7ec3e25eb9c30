import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { UserView } from '@app/users';
import { sessionProfileView } from '../session/session-profile';

/** The signed-in person as a host's route sees them: the internal id, and what the API shows of them. */
export interface CurrentUserView extends UserView {
  /** user_profile.id: for the host's own joins; never send it to a browser. */
  userProfileId: number;
}

/**
 * The person a request's session signed in as, or null when it is not signed
 * in or was signed in before it kept the profile. A profile kept before
 * `declined` and `pictureUrl` existed reads as nothing declined and no picture.
 */
export function currentUserOf(req: Request): CurrentUserView | null {
  if (!req.isAuthenticated?.() || !req.user || !req.session?.profile) return null;
  return { userProfileId: req.user.id, ...sessionProfileView(req.session.profile) };
}

/**
 * `@CurrentUser() user: CurrentUserView` in a route behind AuthenticatedGuard:
 * the person this session signed in as, from the session (no query). Null
 * when the session is not signed in or was signed in before it kept the profile.
 */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): CurrentUserView | null =>
  currentUserOf(context.switchToHttp().getRequest<Request>()),
);
