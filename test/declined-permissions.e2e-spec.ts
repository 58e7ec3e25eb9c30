import { DataSource } from 'typeorm';
import { dropDatabase, ensureDatabase, mysqlOptions } from '@app/database';
import { DEFAULT_TEST_USERS } from '@app/facebook-emulator';
import { MIGRATIONS } from '../migrations';
import { answerDialog, followCallback, startLogin, watchUntilOk } from './support/login-flow';
import { testNamespace } from './support/test-env';
import { TestStack } from './support/test-stack';

const [alice, bob] = DEFAULT_TEST_USERS;

describe('Declined permissions and profile pictures, end to end (emulator, MariaDB, Redis, Bull, SSE)', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.start();
  });
  afterAll(async () => {
    await stack?.stop();
  });
  afterEach(async () => {
    await stack.emulatorKnob('POST', '/reset');
  });

  const profileRow = async (facebookId: string) =>
    (
      await stack.db.query<Array<Record<string, unknown>>>(
        'SELECT id, public_id, email, declined_permissions, granted_permissions, picture_url FROM user_profile WHERE facebook_id = ?',
        [facebookId],
      )
    )[0];
  const counts = async () =>
    (
      await stack.db.query<Array<{ profiles: string; operations: string }>>(
        'SELECT (SELECT COUNT(*) FROM user_profile) AS profiles, (SELECT COUNT(*) FROM async_operation) AS operations',
      )
    )[0];
  it('a declined e-mail is declined on /api/me; re-requesting it signs the same person in with it', async () => {
    const browser = stack.browser();
    await startLogin(stack, browser, alice.id, '', ['email']);
    const declined = await watchUntilOk(browser);
    expect(declined.user).toEqual({
      id: expect.any(String),
      firstName: 'Alice',
      lastName: 'Liddell',
      email: null,
      declined: ['email'],
      pictureUrl: stack.pictureOf(alice.id),
    });
    const me = await browser.get('/api/me');
    expect(me.status).toBe(200);
    expect(me.json()).toEqual({ ...declined.user, providers: ['facebook'] });
    const before = await profileRow(alice.id);
    expect(before).toMatchObject({
      email: null,
      declined_permissions: '["email"]',
      granted_permissions: '["public_profile"]',
      picture_url: stack.pictureOf(alice.id),
    });

    // Signed in: the re-request is a new sign-in of the same account, with its own state and PKCE.
    const start = await browser.get('/auth/facebook?rerequest=email');
    expect(start.status).toBe(302);
    const dialog = new URL(start.location!);
    expect(dialog.origin + dialog.pathname).toBe(`${stack.facebookBase}/dialog/oauth`);
    expect(Object.fromEntries(dialog.searchParams)).toMatchObject({
      auth_type: 'rerequest',
      scope: 'email',
      response_type: 'code',
      code_challenge_method: 'S256',
      state: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    // The dialog asks for the e-mail again, ticked.
    const page = await (await fetch(dialog)).text();
    expect(page).toMatch(/What Alice shares[\s\S]*?name="grant" value="email" checked/);

    const callback = await answerDialog(stack, dialog, { userId: alice.id });
    expect((await followCallback(browser, callback)).location).toBe('/login/pending?provider=facebook');
    const granted = await watchUntilOk(browser);
    expect(granted.user).toEqual({ ...declined.user, email: 'alice@example.com', declined: [] });
    expect((await browser.get('/api/me')).json()).toEqual({ ...granted.user, providers: ['facebook'] });
    // The same profile, the decline cleared.
    expect(await profileRow(alice.id)).toEqual({
      ...before,
      email: 'alice@example.com',
      declined_permissions: '[]',
      granted_permissions: '["email","public_profile"]',
    });
  });

  it('does not ask again without a re-request: a plain sign-in after a decline stays declined', async () => {
    const first = stack.browser();
    await startLogin(stack, first, bob.id, '', ['email']);
    expect((await watchUntilOk(first)).user).toMatchObject({ email: null, declined: ['email'] });
    const again = stack.browser();
    await startLogin(stack, again, bob.id);
    expect((await watchUntilOk(again)).user).toMatchObject({ email: null, declined: ['email'] });
  });

  it('serves the picture from the emulator as an image, and the CSP lets exactly that origin in', async () => {
    const browser = stack.browser();
    await startLogin(stack, browser, alice.id);
    const { user } = await watchUntilOk(browser);
    expect(user?.pictureUrl).toBe(stack.pictureOf(alice.id));
    const image = await fetch(user!.pictureUrl!);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toMatch(/^image\//);
    expect(await image.text()).toContain('<svg');

    const home = await browser.get('/api/me');
    const csp = home.headers.get('content-security-policy') ?? '';
    const imgSrc = csp
      .split(';')
      .map((directive) => directive.trim().split(/\s+/))
      .find(([name]) => name === 'img-src');
    expect(imgSrc).toEqual(['img-src', "'self'", 'data:', stack.emulatorUrl]);
    expect(imgSrc!.slice(1).some((source) => source === '*' || /^https?:$/.test(source))).toBe(false);
  });

  it.each([
    ['an unknown permission', 'rerequest=user_friends'],
    ['public_profile', 'rerequest=public_profile'],
    ['an empty list', 'rerequest='],
    ['an empty item', 'rerequest=email,'],
    ['a repeated parameter', 'rerequest=email&rerequest=email'],
    ['a re-request beside link=1', 'rerequest=email&link=1'],
  ])('refuses %s with the error page, changing nothing', async (_label, query) => {
    const signedIn = stack.browser();
    await startLogin(stack, signedIn, alice.id);
    await watchUntilOk(signedIn);
    const before = await counts();
    const row = await profileRow(alice.id);
    for (const browser of [signedIn, stack.browser()]) {
      const answer = await browser.get(`/auth/facebook?${query}`);
      expect(answer.status).toBe(302);
      expect(answer.location).toBe('/login/error?reason=invalid_request&provider=facebook');
    }
    expect(await counts()).toEqual(before);
    expect(await profileRow(alice.id)).toEqual(row);
    // Still signed in, as before.
    expect((await signedIn.get('/api/me')).status).toBe(200);
  });
});

describe('The DeclinedPermissionsAndPicture migration keeps existing data, up and down (MariaDB)', () => {
  const ns = testNamespace();
  const at = MIGRATIONS.findIndex((migration) => migration.name === 'DeclinedPermissionsAndPicture1796350000000');
  let db: DataSource;

  beforeAll(async () => {
    await ensureDatabase(ns.databaseUrl);
    db = new DataSource({ ...mysqlOptions(ns.databaseUrl), migrations: MIGRATIONS.slice(0, at) });
    await db.initialize();
    await db.runMigrations({ transaction: 'each' });
    await db.query(
      "INSERT INTO user_profile (public_id, facebook_id, first_name, last_name, email) VALUES ('p_before_pictures_____', '10000000000000001', 'Zoë', 'Ñúñez', 'zoe@example.com')",
    );
    await db.destroy();
    db = new DataSource({ ...mysqlOptions(ns.databaseUrl), migrations: MIGRATIONS.slice(0, at + 1) });
    await db.initialize();
  });
  afterAll(async () => {
    if (db?.isInitialized) await db.destroy();
    await dropDatabase(ns.databaseUrl);
  });

  const columns = async () =>
    (
      await db.query<Array<{ COLUMN_NAME: string }>>(
        "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'user_profile' AND COLUMN_NAME IN ('declined_permissions', 'granted_permissions', 'picture_url') ORDER BY COLUMN_NAME",
      )
    ).map((row) => row.COLUMN_NAME);
  const person = () =>
    db.query('SELECT public_id, facebook_id, first_name, last_name, email FROM user_profile ORDER BY id');
  const zoe = {
    public_id: 'p_before_pictures_____',
    facebook_id: '10000000000000001',
    first_name: 'Zoë',
    last_name: 'Ñúñez',
    email: 'zoe@example.com',
  };

  it('adds the three NULLable columns, drops them on the way down, and keeps the person both ways', async () => {
    expect(at).toBeGreaterThan(0);
    await expect(db.runMigrations({ transaction: 'each' })).resolves.toEqual([
      expect.objectContaining({ name: 'DeclinedPermissionsAndPicture1796350000000' }),
    ]);
    expect(await columns()).toEqual(['declined_permissions', 'granted_permissions', 'picture_url']);
    expect(await db.query('SELECT declined_permissions, granted_permissions, picture_url FROM user_profile')).toEqual([
      { declined_permissions: null, granted_permissions: null, picture_url: null },
    ]);
    expect(await person()).toEqual([zoe]);
    // A long picture URL fits.
    const longPicture = `https://scontent.xx.fbcdn.net/${'a'.repeat(2000)}`;
    await db.query('UPDATE user_profile SET picture_url = ?', [longPicture]);
    expect(await db.query('SELECT picture_url FROM user_profile')).toEqual([{ picture_url: longPicture }]);

    await db.undoLastMigration({ transaction: 'each' });
    expect(await columns()).toEqual([]);
    expect(await person()).toEqual([zoe]);

    await db.runMigrations({ transaction: 'each' });
    expect(await columns()).toEqual(['declined_permissions', 'granted_permissions', 'picture_url']);
    expect(await person()).toEqual([zoe]);
  });
});
