import { setTimeout as sleep } from 'node:timers/promises';
import { Controller, Get, Module, UseGuards } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { getRepositoryToken } from '@nestjs/typeorm';
import Redis from 'ioredis';
import type { Repository } from 'typeorm';
import {
  AuthenticatedGuard,
  CurrentUser,
  type CurrentUserView,
  ProviderExchanges,
  SIGN_IN_FINISHED_EVENT,
  type SignInFinishedEvent,
} from '@app/auth';
import { DEFAULT_TEST_USERS } from '@app/facebook-emulator';
import { ApiModule } from '../apps/api/src/api.module';
import { WorkerModule } from '../apps/worker/src/worker.module';
import { HostMember1796400000001 } from '../docs/examples/members/host-member.migration';
import { Member } from '../docs/examples/members/member.entity';
import {
  MEMBER_FACEBOOK_FIELDS,
  MEMBER_FACEBOOK_SCOPE,
  MEMBER_GOOGLE_CLAIMS,
  facebookBirthday,
  memberFieldsOf,
} from '../docs/examples/members/member-fields';
import { MemberMapper } from '../docs/examples/members/member.mapper';
import { MembersModule } from '../docs/examples/members/members.module';
import { NotesModule } from '../docs/examples/notes/notes.module';
import { NotesService } from '../docs/examples/notes/notes.service';
import { ExampleAuthModule } from '../docs/examples/provider/api/example-auth.module';
import { ExampleApiError, classifyExampleErrorResponse } from '../docs/examples/provider/example-api.error';
import type { ExampleOptions } from '../docs/examples/provider/example.options';
import { ExampleExchange } from '../docs/examples/provider/worker/example.exchange';
import { ExampleExchangeModule } from '../docs/examples/provider/worker/example-exchange.module';
import { HostWelcome1796400000000 } from '../docs/examples/welcome/host-welcome.migration';
import { WelcomeModule } from '../docs/examples/welcome/welcome.module';
import type { TestBrowser } from './support/browser';
import { openDialog, signInWithGoogle, startGoogleLogin, startLogin, watchUntilFinal } from './support/login-flow';
import { freePort } from './support/test-env';
import { GOOGLE_ALICE, GOOGLE_GRACE, TestStack } from './support/test-stack';

const [alice, bob, zoe] = DEFAULT_TEST_USERS;

/**
 * The bundled emulator answers /me with id, name, first_name, last_name,
 * short_name, middle_name and email only; any other field (birthday
 * included) is Graph's error 100, which ends the sign-in as provider_error.
 * So this suite asks it for `name` and leaves `birthday` to real Facebook.
 */
const EMULATED_FACEBOOK_FIELDS = MEMBER_FACEBOOK_FIELDS.filter((field) => field !== 'birthday');

/**
 * A provider whose dialog is never visited and whose endpoints refuse every
 * connection (nothing listens on `port`): its sign-ins end the way a
 * provider that is down ends them.
 */
const exampleProvider = (port: number): ExampleOptions => ({
  authorizeUrl: 'https://id.example.test/authorize',
  tokenUrl: `http://127.0.0.1:${port}/token`,
  userinfoUrl: `http://127.0.0.1:${port}/userinfo`,
  clientId: 'example-client',
  clientSecret: 'example-client-secret-0123456789',
  timeoutMs: 1000,
});

/** A host route that reads what the person declined, as a host's own feature would. */
@Controller('api/host-sharing')
@UseGuards(AuthenticatedGuard)
class HostSharingController {
  @Get()
  sharing(@CurrentUser() user: CurrentUserView | null) {
    return { emailDeclined: user!.declined.includes('email'), hasPicture: user!.pictureUrl !== null };
  }
}

@Module({ controllers: [HostSharingController] })
class HostSharingModule {}

/** Polls until `read` answers something, or fails after `timeoutMs`. */
async function eventually<T>(what: string, read: () => Promise<T | undefined>, timeoutMs = 10000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await sleep(50);
  }
}

/**
 * docs/EXTENDING.md's examples, compiled from docs/examples and run in one
 * host app on the real stack (emulator, MariaDB, Redis, Bull, HTTP): a
 * sign-in listener in the worker, a host route behind the guard, extra
 * Facebook fields mapped onto a host entity, and a provider of the host's own.
 */
describe('Extending the project (docs/EXTENDING.md): the examples in a host app, end to end', () => {
  let stack: TestStack;
  let EXAMPLE: ExampleOptions;
  const finished: SignInFinishedEvent[] = [];

  beforeAll(async () => {
    EXAMPLE = exampleProvider(await freePort());
    stack = await TestStack.start({
      apiModule: () =>
        ApiModule.forRoot({
          imports: [NotesModule, HostSharingModule, ExampleAuthModule.forRoot(EXAMPLE)],
          facebook: { extraScope: MEMBER_FACEBOOK_SCOPE },
        }),
      workerModule: () =>
        WorkerModule.forRoot({
          imports: [WelcomeModule, MembersModule, ExampleExchangeModule.forRoot(EXAMPLE)],
          facebook: { extraScope: MEMBER_FACEBOOK_SCOPE, extraFields: EMULATED_FACEBOOK_FIELDS },
          google: { extraClaims: MEMBER_GOOGLE_CLAIMS },
        }),
    });
    // synchronize is off everywhere: the host's tables come from the host's migrations.
    const runner = stack.db.createQueryRunner();
    try {
      await new HostWelcome1796400000000().up(runner);
      await new HostMember1796400000001().up(runner);
    } finally {
      await runner.release();
    }
    stack.worker!.get(EventEmitter2).on(SIGN_IN_FINISHED_EVENT, (event: SignInFinishedEvent) => finished.push(event));
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const rows = (sql: string, params: unknown[] = []) => stack.db.query<Record<string, unknown>[]>(sql, params);
  const profileIdOf = async (publicId: string) =>
    Number((await rows('SELECT id FROM user_profile WHERE public_id = ?', [publicId]))[0].id);

  /** A sign-in through the emulator's dialog, as the SPA drives it; answers the final status. */
  async function signIn(browser: TestBrowser, userId: string) {
    await startLogin(stack, browser, userId);
    const { final } = await watchUntilFinal(browser);
    if (final?.status !== 'ok' || !final.user) throw new Error(`The sign-in ended ${JSON.stringify(final)}`);
    return { operationId: final.id, user: final.user };
  }

  describe('1. React to a finished sign-in (docs/examples/welcome)', () => {
    it('hands the worker’s listener the operation, the provider and the user, and welcomes a person once', async () => {
      const aliceBrowser = stack.browser();
      const first = await signIn(aliceBrowser, alice.id);
      const aliceId = await profileIdOf(first.user.id);

      const event = await eventually('the sign-in event', async () =>
        finished.find((e) => e.operationId === first.operationId),
      );
      expect(event).toEqual({
        operationId: first.operationId,
        provider: 'facebook',
        userProfileId: aliceId,
        user: first.user,
        linked: false,
        identity: {
          provider: 'facebook',
          subject: alice.id,
          firstName: 'Alice',
          lastName: 'Liddell',
          email: 'alice@example.com',
          declinedPermissions: [],
          // The host's extraScope (user_birthday) asked for and granted, beside the core's.
          grantedPermissions: ['public_profile', 'email', 'user_birthday'],
          pictureUrl: stack.pictureOf(alice.id),
          extra: { name: 'Alice Liddell' },
        },
      });

      const welcome = await eventually(
        'the welcome',
        async () => (await rows('SELECT * FROM welcome WHERE user_profile_id = ?', [aliceId]))[0],
      );
      expect(welcome).toMatchObject({
        operation_id: first.operationId,
        provider: 'facebook',
        message: 'Welcome, Alice! You signed in with facebook.',
      });

      // Linking Google from the signed-in page: the event says so, with Google's identity of the same person.
      await startGoogleLogin(aliceBrowser, GOOGLE_ALICE, '?link=1');
      const { final: linking } = await watchUntilFinal(aliceBrowser);
      expect(linking).toMatchObject({ status: 'ok', user: { id: first.user.id } });
      const linked = await eventually('the link event', async () =>
        finished.find((e) => e.operationId === linking!.id),
      );
      expect(linked).toMatchObject({
        provider: 'google',
        linked: true,
        userProfileId: aliceId,
        identity: { provider: 'google', subject: GOOGLE_ALICE, extra: { name: 'Alice Liddell' } },
      });

      // Signing in again, or linking, is not arriving again: the first welcome stays the only one.
      const again = await signIn(stack.browser(), alice.id);
      expect(again.operationId).not.toBe(first.operationId);
      await eventually('the second sign-in event', async () =>
        finished.find((e) => e.operationId === again.operationId),
      );
      // Bob's welcome, after Alice's second sign-in ended: by then its listener has long run.
      const bobSignIn = await signIn(stack.browser(), bob.id);
      const bobId = await profileIdOf(bobSignIn.user.id);
      const bobWelcome = await eventually(
        'Bob’s welcome',
        async () => (await rows('SELECT * FROM welcome WHERE user_profile_id = ?', [bobId]))[0],
      );
      expect(bobWelcome).toMatchObject({
        operation_id: bobSignIn.operationId,
        message: 'Welcome, Bob! You signed in with facebook.',
      });
      expect(await rows('SELECT operation_id FROM welcome WHERE user_profile_id = ?', [aliceId])).toEqual([
        { operation_id: first.operationId },
      ]);
    });
  });

  describe('2. Protect the host’s own routes (docs/examples/notes)', () => {
    it('answers 401 signed out, and the signed-in person’s notes with their name signed in', async () => {
      const browser = stack.browser();
      const signedOut = await browser.get('/api/notes');
      expect(signedOut.status).toBe(401);
      expect(signedOut.json()).toMatchObject({ statusCode: 401, message: 'Sign in first' });

      const { user } = await signIn(browser, zoe.id);
      stack.api.get(NotesService).add(await profileIdOf(user.id), 'Buy milk');
      const notes = await browser.get('/api/notes');
      expect(notes.status).toBe(200);
      expect(notes.json()).toEqual({
        owner: { id: user.id, firstName: zoe.first_name, lastName: zoe.last_name },
        notes: [{ text: 'Buy milk', createdAt: expect.any(String) }],
      });
      // The internal id stays on the server.
      expect(notes.text).not.toContain('userProfileId');

      // Another person sees their own notes, not Zoë's.
      const other = stack.browser();
      await signIn(other, bob.id);
      expect((await other.get('/api/notes')).json()).toMatchObject({ owner: { firstName: 'Bob' }, notes: [] });

      expect((await browser.post('/api/auth/logout')).status).toBe(204);
      expect((await browser.get('/api/notes')).status).toBe(401);
    });

    it('gives a session signed in before declined and pictureUrl existed nothing declined and no picture', async () => {
      const browser = stack.browser();
      const { operationId, user } = await signIn(browser, zoe.id);
      expect((await browser.get('/api/host-sharing')).json()).toEqual({ emailDeclined: false, hasPicture: true });

      // The session as an older version stored it: the profile without declined and pictureUrl.
      const redis = new Redis(stack.env.REDIS_URL);
      try {
        const sid = /^s:([^.]+)\./.exec(decodeURIComponent(browser.cookie('afl.sid')!))![1];
        const key = `${stack.ns.redisPrefix}:sess:${sid}`;
        const session = JSON.parse((await redis.get(key))!) as { profile: Record<string, unknown> };
        delete session.profile.declined;
        delete session.profile.pictureUrl;
        expect(await redis.set(key, JSON.stringify(session), 'KEEPTTL')).toBe('OK');
      } finally {
        redis.disconnect();
      }
      const old = { ...user, declined: [], pictureUrl: null };

      const sharing = await browser.get('/api/host-sharing');
      expect(sharing.status).toBe(200);
      expect(sharing.json()).toEqual({ emailDeclined: false, hasPicture: false });
      expect((await browser.get('/api/notes')).json()).toMatchObject({
        owner: { id: user.id, firstName: zoe.first_name },
      });
      const me = await browser.get('/api/me');
      expect(me.status).toBe(200);
      expect(me.json()).toEqual({ ...old, providers: ['facebook'] });
      // The operation's answer (JSON and SSE), from the session that sign-in left, says the same.
      const operation = await browser.get('/api/auth/operation');
      expect(operation.json()).toEqual({ id: operationId, status: 'ok', user: old, returnTo: '/' });
      const { final } = await watchUntilFinal(browser);
      expect(final).toEqual({ id: operationId, status: 'ok', user: old, returnTo: '/' });
    });
  });

  describe('3. Ask a provider for more and map it onto the host’s entity (docs/examples/members)', () => {
    it('asks Facebook’s dialog for the extra permission, and maps /me’s extra field onto the member', async () => {
      const browser = stack.browser();
      const dialog = await openDialog(browser);
      expect(dialog.searchParams.get('scope')).toBe('email,user_birthday');

      const { user } = await signIn(stack.browser(), alice.id);
      const aliceId = await profileIdOf(user.id);
      const members = stack.worker!.get<Repository<Member>>(getRepositoryToken(Member));
      const member = await eventually(
        'Alice’s member row',
        async () => (await members.findOneBy({ userProfileId: aliceId })) ?? undefined,
      );
      expect(member).toMatchObject({ userProfileId: aliceId, displayName: 'Alice Liddell', birthday: null });
    });

    it('maps the claim asked of Google onto the same entity', async () => {
      const user = await signInWithGoogle(stack.browser(), GOOGLE_GRACE);
      const graceId = await profileIdOf(user.id);
      const members = stack.worker!.get<Repository<Member>>(getRepositoryToken(Member));
      const member = await eventually(
        'Grace’s member row',
        async () => (await members.findOneBy({ userProfileId: graceId })) ?? undefined,
      );
      expect(member).toMatchObject({ displayName: 'Grace Hopper', birthday: null });
    });

    it('maps what real Facebook answers for birthday (which the emulator cannot), keeping the other columns', async () => {
      const { user } = await signIn(stack.browser(), bob.id);
      const bobId = await profileIdOf(user.id);
      const members = stack.worker!.get<Repository<Member>>(getRepositoryToken(Member));
      await eventually(
        'Bob’s member row',
        async () => (await members.findOneBy({ userProfileId: bobId })) ?? undefined,
      );

      // The worker's own mapper, on the real database, with the identity real Facebook would send.
      const mapper = stack.worker!.get(MemberMapper);
      const identity = { provider: 'facebook', subject: bob.id, firstName: 'Bob', lastName: 'Nomail', email: null };
      await mapper.onSignInFinished({
        userProfileId: bobId,
        identity: { ...identity, extra: { birthday: '08/15/1990' } },
      });
      expect(await members.findOneBy({ userProfileId: bobId })).toMatchObject({
        displayName: 'Bob Nomail',
        birthday: '1990-08-15',
      });
      // A birthday shared without its year is not a date: the column is cleared, the name kept.
      await mapper.onSignInFinished({ userProfileId: bobId, identity: { ...identity, extra: { birthday: '08/15' } } });
      expect(await members.findOneBy({ userProfileId: bobId })).toMatchObject({
        displayName: 'Bob Nomail',
        birthday: null,
      });
    });

    it('reads Facebook’s birthday formats, and only the fields each provider answered', () => {
      expect(facebookBirthday('08/15/1990')).toBe('1990-08-15');
      expect(facebookBirthday('02/29/2024')).toBe('2024-02-29');
      expect(facebookBirthday('02/30/1990')).toBeNull();
      expect(facebookBirthday('08/15')).toBeNull();
      expect(facebookBirthday('1990')).toBeNull();
      expect(facebookBirthday(19900815)).toBeNull();
      expect(memberFieldsOf({ provider: 'facebook' })).toEqual({});
      expect(
        memberFieldsOf({ provider: 'facebook', extra: { name: ' Ada Lovelace ', birthday: '12/10/1815' } }),
      ).toEqual({
        displayName: 'Ada Lovelace',
        birthday: '1815-12-10',
      });
      // Google's id_token has no birthday claim: a claim by that name is not Facebook's field.
      expect(memberFieldsOf({ provider: 'google', extra: { name: 'Ada Lovelace', birthday: '12/10/1815' } })).toEqual({
        displayName: 'Ada Lovelace',
      });
    });
  });

  describe('4. Add a provider (docs/examples/provider)', () => {
    it('registers the host’s exchange with the worker’s ProviderExchanges, and its name with the API’s list', async () => {
      const exchanges = stack.worker!.get(ProviderExchanges);
      expect(exchanges.get('example')).toBeInstanceOf(ExampleExchange);
      expect(exchanges.get('example')).toMatchObject({
        provider: 'example',
        displayName: 'Example',
        callTimeoutMs: 1000,
      });
      expect(exchanges.ids()).toEqual(['facebook', 'google', 'example']);

      const providers = await stack.browser().get('/api/auth/providers');
      expect(providers.json()).toEqual({
        providers: [
          { id: 'facebook', name: 'Facebook' },
          { id: 'google', name: 'Google' },
          { id: 'example', name: 'Example' },
        ],
      });
    });

    it('keeps the contract of every provider: the dialog with state and PKCE, the callback, the pending page, the reason codes', async () => {
      const browser = stack.browser();
      const start = await browser.get('/auth/example');
      expect(start.status).toBe(302);
      const dialog = new URL(start.location!);
      expect(dialog.origin + dialog.pathname).toBe(EXAMPLE.authorizeUrl);
      const params = Object.fromEntries(dialog.searchParams);
      expect(params).toMatchObject({
        response_type: 'code',
        client_id: EXAMPLE.clientId,
        redirect_uri: `${stack.apiUrl}/auth/example/callback`,
        code_challenge_method: 'S256',
      });
      expect(params.code_challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);

      // The person cancels at the provider: the core's callback names the provider on the error page.
      const cancelled = await browser.get(`/auth/example/callback?error=access_denied&state=${params.state}`);
      expect(cancelled.location).toBe('/login/error?reason=access_denied&provider=example');

      const { searchParams } = new URL((await browser.get('/auth/example')).location!);
      const state = searchParams.get('state')!;
      const callback = await browser.get(`/auth/example/callback?code=one-time-code&state=${state}`);
      expect(callback.status).toBe(302);
      expect(callback.location).toBe('/login/pending?provider=example');
      // The state is one-time.
      const replay = await stack.browser().get(`/auth/example/callback?code=one-time-code&state=${state}`);
      expect(replay.location).toBe('/login/error?reason=invalid_state&provider=example');

      // The worker ran the job through ExampleExchange: the provider refused every connection,
      // the core retried (the code was never sent) and ended it as provider_unavailable, in the provider's name.
      const { final } = await watchUntilFinal(browser);
      expect(final).toEqual({
        id: expect.any(String),
        status: 'error',
        error: { code: 'provider_unavailable', message: 'Example is not answering right now.' },
      });
      const [operation] = await rows('SELECT provider, error_code, attempts FROM async_operation WHERE public_id = ?', [
        final!.id,
      ]);
      expect(operation).toMatchObject({ provider: 'example', error_code: 'provider_unavailable' });
      expect(Number(operation.attempts)).toBeGreaterThan(1);
      expect((await browser.get('/api/me')).status).toBe(401);
    });

    it('classifies the provider’s answers as the core needs them', () => {
      const used = classifyExampleErrorResponse('token', 400, { error: 'invalid_grant' });
      expect(used).toBeInstanceOf(ExampleApiError);
      expect(used).toMatchObject({ reason: 'code_rejected', retryable: false, codeAlreadyUsed: true });
      expect(classifyExampleErrorResponse('token', 401, { error: 'invalid_client' })).toMatchObject({
        reason: 'provider_error',
        retryable: false,
        codeAlreadyUsed: false,
      });
      expect(classifyExampleErrorResponse('token', 503, null)).toMatchObject({
        reason: 'provider_unavailable',
        retryable: true,
        details: { codeFate: 'unknown' },
      });
      expect(classifyExampleErrorResponse('token', 429, null)).toMatchObject({
        retryable: true,
        details: { codeFate: 'untouched' },
      });
    });
  });
});
