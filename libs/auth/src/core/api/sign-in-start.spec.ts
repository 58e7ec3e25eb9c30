import type { Request } from 'express';
import type { OperationHistoryService } from '@app/async-operations/history';
import type { SessionLifecycle } from '../session/session-lifecycle';
import { PendingAuthorizations } from './pending-authorizations';
import { SignInStart } from './sign-in-start';

/** A request as express-session and passport hand it over: signed in as user 7, or not. */
function request(query: Record<string, string>, session: Record<string, unknown>, signedIn: boolean) {
  return {
    query,
    sessionID: 'sid-1',
    session: { cookie: {}, ...session },
    isAuthenticated: () => signedIn,
    user: signedIn ? { id: 7 } : undefined,
  } as unknown as Request;
}

describe('SignInStart.prepare', () => {
  const renew = jest.fn(async (req: Request) => {
    // regenerate: a new, empty session.
    (req as { session: unknown }).session = { cookie: {} };
    return 'old-hash';
  });
  const sessions = { renew } as unknown as SessionLifecycle;
  const history = { moveFailuresOfSession: jest.fn(async () => 0) } as unknown as OperationHistoryService;
  const pending = new PendingAuthorizations();
  const start = new SignInStart(sessions, history, pending);
  const signedInSession = { passport: { user: { id: 7 } }, profile: {}, returnTo: '/from-the-last-sign-in' };

  beforeEach(() => renew.mockClear());

  it('sends a signed-in visitor home, changing nothing', async () => {
    const req = request({ returnTo: '/x' }, signedInSession, true);
    await expect(start.prepare(req)).resolves.toBe('home');
    expect(req.session.returnTo).toBe('/from-the-last-sign-in');
    expect(renew).not.toHaveBeenCalled();
  });

  it('a signed-in re-request goes to the dialog, staying signed in until the callback, with its returnTo', async () => {
    const req = request({ rerequest: 'email', returnTo: '/x' }, signedInSession, true);
    await expect(start.prepare(req, 'rerequest')).resolves.toBe('dialog');
    expect(renew).not.toHaveBeenCalled();
    expect(req.session).toMatchObject({ passport: { user: { id: 7 } }, returnTo: '/x' });
    // Not a link: the authorization it begins links nothing.
    pending.begin(req, 'facebook', { codeVerifier: 'v' });
    expect(req.session.authorization).not.toHaveProperty('linkTo');
  });

  it('a signed-in re-request without returnTo does not carry the last sign-in’s; a bad one is home', async () => {
    const without = request({ rerequest: 'email' }, signedInSession, true);
    await start.prepare(without, 'rerequest');
    expect(without.session.returnTo).toBeUndefined();
    const bad = request({ rerequest: 'email', returnTo: '//evil.example' }, signedInSession, true);
    await start.prepare(bad, 'rerequest');
    expect(bad.session.returnTo).toBe('/');
  });

  it('a link keeps the session signed in, links to the person, and takes its own returnTo only', async () => {
    const req = request({ link: '1' }, signedInSession, true);
    await expect(start.prepare(req)).resolves.toBe('dialog');
    expect(req.session.returnTo).toBeUndefined();
    pending.begin(req, 'google', { codeVerifier: 'v' });
    expect(req.session.authorization).toMatchObject({ linkTo: 7 });
  });

  it('signed out: a new session id, with this start’s returnTo (re-request or not)', async () => {
    for (const mode of ['sign-in', 'rerequest'] as const) {
      const req = request({ returnTo: '/y' }, { asyncOperationId: 'op-1' }, false);
      await expect(start.prepare(req, mode)).resolves.toBe('dialog');
      expect(req.session).toEqual({ cookie: {}, returnTo: '/y' });
    }
    expect(renew).toHaveBeenCalledTimes(2);
  });
});
