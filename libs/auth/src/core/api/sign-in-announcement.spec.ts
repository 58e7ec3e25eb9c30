import type { Request } from 'express';
import type { AsyncOperationsService } from '@app/async-operations';
import type { UsersService } from '@app/users';
import type { SessionSignIn } from '../session/session-sign-in';
import { SignInAnnouncement, signInContext } from './sign-in-announcement';

describe('SignInAnnouncement: the user of a session signed in before declined and pictureUrl existed', () => {
  const oldProfile = { id: 'p_1', firstName: 'Ada', lastName: null, email: 'ada@example.com' };
  const full = { ...oldProfile, declined: [], pictureUrl: null };
  const req = {
    sessionID: 'sid-1',
    session: { signedInBy: 'op-1', profile: oldProfile, returnTo: '/notes' },
  } as unknown as Request;
  const announcement = new SignInAnnouncement({} as AsyncOperationsService, {} as UsersService, {} as SessionSignIn);

  it('announces it in full from the session (JSON and SSE)', () => {
    const context = signInContext(req);
    expect(context.signedIn).toEqual({ operationId: 'op-1', profile: full });
    expect(announcement.fromSession(context, 'op-1')).toEqual({
      id: 'op-1',
      status: 'ok',
      user: full,
      returnTo: '/notes',
    });
  });

  it('completes an ok read from the database with it in full', async () => {
    await expect(announcement.complete(signInContext(req), { id: 'op-1', status: 'ok' })).resolves.toEqual({
      id: 'op-1',
      status: 'ok',
      user: full,
      returnTo: '/notes',
    });
  });
});
