import type { UserView } from '@app/users';

/**
 * The profile a session holds, as every reader hands it on (GET /api/me,
 * `@CurrentUser()`, the operation's `user`): a UserView in full. Sessions
 * signed in before `declined` and `pictureUrl` existed hold neither (nothing
 * declined, no picture), and a script of that time wrote an empty `declined`
 * back as `{}`: both read as `[]`.
 */
export function sessionProfileView(profile: SessionProfile): UserView {
  const { id, firstName, lastName, email, declined, pictureUrl } = profile;
  // Field by field: whatever else a session may hold never leaves the server through a profile.
  return {
    id,
    firstName,
    lastName,
    email,
    declined: Array.isArray(declined) ? declined.filter((item) => typeof item === 'string') : [],
    pictureUrl: typeof pictureUrl === 'string' ? pictureUrl : null,
  };
}

/** What a session may hold under `profile`: a UserView, or one stored before some of its fields existed. */
export type SessionProfile = Omit<UserView, 'declined' | 'pictureUrl'> & { declined?: unknown; pictureUrl?: unknown };
