import { DataSource, type Logger as TypeOrmLogger } from 'typeorm';
import { dropDatabase, ensureDatabase, mysqlOptions } from '@app/database';
import {
  IdentityInUseError,
  IdentityNotLinkedError,
  UserProfile,
  UsersService,
  type ProviderIdentity,
} from '@app/users';
import { MIGRATIONS } from '../migrations';
import { ENTITIES } from '../ormconfig';
import { createTestDatabase, destroyTestDatabase } from './support/test-database';
import { testNamespace } from './support/test-env';

/** Counts the statements TypeORM sends (START TRANSACTION and COMMIT included). */
class StatementCounter implements TypeOrmLogger {
  count = 0;
  logQuery(): void {
    this.count++;
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

let sequence = 0;
/** A person new to this suite, as a provider would describe them. */
function person(provider: string, fields: Partial<ProviderIdentity> = {}): ProviderIdentity {
  sequence++;
  const subject =
    provider === 'facebook' ? `1000000000${String(sequence).padStart(5, '0')}` : `1080000000000${sequence}`;
  return {
    provider,
    subject,
    firstName: `First${sequence}`,
    lastName: `Last${sequence}`,
    email: `person${sequence}@example.com`,
    ...fields,
  };
}

/**
 * Identities (issue 14, part 3) on the real MariaDB: Facebook's identity in
 * user_profile.facebook_id, the others in user_identity, the account-linking
 * policy (no silent link by e-mail, explicit linking), the races, and the
 * migration that brings user_identity in and can be reverted.
 */
describe('Identities: sign-in, the linking policy and the migration (MariaDB)', () => {
  const ns = testNamespace();
  let db: DataSource;
  /** One connection, so the server's per-session statement counter sees exactly this service's statements. */
  let counted: DataSource;
  let counter: StatementCounter;
  let users: UsersService;
  let countedUsers: UsersService;

  beforeAll(async () => {
    db = await createTestDatabase(ns.databaseUrl);
    users = new UsersService(db.getRepository(UserProfile), db);
    counter = new StatementCounter();
    counted = new DataSource({
      ...mysqlOptions(ns.databaseUrl),
      entities: ENTITIES,
      logger: counter,
      extra: { connectionLimit: 1 },
    });
    await counted.initialize();
    countedUsers = new UsersService(counted.getRepository(UserProfile), counted);
  });
  afterAll(async () => {
    if (counted?.isInitialized) await counted.destroy();
    if (db) await destroyTestDatabase(db, ns.databaseUrl);
  });

  const profileOf = async (id: number) => {
    const [row] = await db.query<
      { public_id: string; facebook_id: string | null; first_name: string; last_name: string; email: string }[]
    >('SELECT public_id, facebook_id, first_name, last_name, email FROM user_profile WHERE id = ?', [id]);
    return row;
  };
  const identitiesOf = (id: number) =>
    db.query<{ provider: string; subject: string }[]>(
      'SELECT provider, subject FROM user_identity WHERE user_profile_id = ? ORDER BY provider',
      [id],
    );
  const profilesWithEmail = async (email: string) =>
    (await db.query<{ id: number }[]>('SELECT id FROM user_profile WHERE email = ?', [email])).map((row) => row.id);

  /** What `run` cost, as counted by the server (its session's Questions) and by TypeORM. */
  async function statementsOf<T>(run: () => Promise<T>): Promise<{ result: T; server: number; sent: number }> {
    const questions = async () => {
      const [row] = await counted.query<{ Value: string }[]>("SHOW SESSION STATUS LIKE 'Questions'");
      return Number(row.Value);
    };
    const before = await questions();
    const sentBefore = counter.count;
    const result = await run();
    const sent = counter.count - sentBefore;
    // The second SHOW counts itself.
    const server = (await questions()) - before - 1;
    return { result, server, sent };
  }

  describe('first and returning sign-ins', () => {
    it("creates a Facebook person's profile on the first sign-in, with facebook_id and no identity row", async () => {
      const alice = person('facebook');
      const id = await users.signInWithIdentity(alice);
      expect(await profileOf(id)).toMatchObject({
        facebook_id: alice.subject,
        first_name: alice.firstName,
        last_name: alice.lastName,
        email: alice.email,
      });
      expect(await identitiesOf(id)).toEqual([]);
      await expect(users.providersOf(id)).resolves.toEqual(['facebook']);
      // The article's lookup still finds the person.
      await expect(users.findByFacebookId(alice.subject)).resolves.toMatchObject({ id });
    });

    it("creates a Google person's profile without a facebook_id, and the identity row, on the first sign-in", async () => {
      const grace = person('google');
      const id = await users.signInWithIdentity(grace);
      expect(await profileOf(id)).toMatchObject({ facebook_id: null, first_name: grace.firstName, email: grace.email });
      expect(await identitiesOf(id)).toEqual([{ provider: 'google', subject: grace.subject }]);
      await expect(users.providersOf(id)).resolves.toEqual(['google']);
    });

    it('signs a returning Facebook person in with one statement, refreshing names and e-mail', async () => {
      const alice = person('facebook');
      const first = await statementsOf(() => countedUsers.signInWithIdentity(alice));
      // A first sign-in with an e-mail: the upsert, then the e-mail check of the new row.
      expect(first).toMatchObject({ server: 2, sent: 2 });
      const { public_id } = await profileOf(first.result);

      const renamed = { ...alice, firstName: 'Alicia', email: 'alicia@example.com' };
      const returning = await statementsOf(() => countedUsers.signInWithIdentity(renamed));
      expect(returning).toEqual({ result: first.result, server: 1, sent: 1 });
      expect(await profileOf(first.result)).toMatchObject({
        public_id,
        first_name: 'Alicia',
        email: 'alicia@example.com',
      });

      // Unchanged fields: still one statement, still the same id (mysql2 reports one affected row, like an insert).
      await expect(statementsOf(() => countedUsers.signInWithIdentity(renamed))).resolves.toEqual({
        result: first.result,
        server: 1,
        sent: 1,
      });
    });

    it('creates a Facebook profile without an e-mail in one statement', async () => {
      const noEmail = person('facebook', { email: null });
      const first = await statementsOf(() => countedUsers.signInWithIdentity(noEmail));
      expect(first).toMatchObject({ server: 1, sent: 1 });
      expect(await profileOf(first.result)).toMatchObject({ facebook_id: noEmail.subject, email: null });
    });

    it('signs a returning Google person in, refreshing names and e-mail (a read and an update)', async () => {
      const grace = person('google');
      const id = await users.signInWithIdentity(grace);
      const returning = await statementsOf(() =>
        countedUsers.signInWithIdentity({ ...grace, lastName: 'Hopper', email: 'grace.hopper@example.com' }),
      );
      expect(returning).toEqual({ result: id, server: 2, sent: 2 });
      expect(await profileOf(id)).toMatchObject({ last_name: 'Hopper', email: 'grace.hopper@example.com' });
    });

    it('treats subjects as case-sensitive: two Google subjects differing by case are two people', async () => {
      const lower = person('google', { subject: 'opaque-abc', email: null });
      const upper = { ...lower, subject: 'opaque-ABC' };
      const a = await users.signInWithIdentity(lower);
      const b = await users.signInWithIdentity(upper);
      expect(a).not.toBe(b);
    });
  });

  describe('an e-mail that matches an existing profile is not linked silently', () => {
    it('refuses a first Facebook sign-in whose e-mail (another case) a Google profile has, and creates nothing', async () => {
      const grace = person('google', { email: 'Grace.Match@Example.com' });
      const graceId = await users.signInWithIdentity(grace);
      const facebookGrace = person('facebook', { email: 'grace.match@example.COM' });

      await expect(users.signInWithIdentity(facebookGrace)).rejects.toBeInstanceOf(IdentityNotLinkedError);
      await expect(users.signInWithIdentity(facebookGrace)).rejects.toMatchObject({
        reason: 'identity_not_linked',
        provider: 'facebook',
      });
      await expect(users.findByFacebookId(facebookGrace.subject)).resolves.toBeNull();
      expect(await profilesWithEmail(grace.email!)).toEqual([graceId]);
      expect(await profileOf(graceId)).toMatchObject({ facebook_id: null, email: grace.email });
    });

    it('refuses a first Google sign-in whose e-mail a Facebook profile has, and creates nothing', async () => {
      const alice = person('facebook', { email: 'alice.match@example.com' });
      const aliceId = await users.signInWithIdentity(alice);
      const googleAlice = person('google', { email: 'ALICE.MATCH@example.com' });

      await expect(users.signInWithIdentity(googleAlice)).rejects.toBeInstanceOf(IdentityNotLinkedError);
      expect(await profilesWithEmail(alice.email!)).toEqual([aliceId]);
      expect(await db.query('SELECT id FROM user_identity WHERE subject = ?', [googleAlice.subject])).toEqual([]);
    });

    it('matches by case only: an e-mail differing by an accent is another address', async () => {
      await users.signInWithIdentity(person('facebook', { email: 'jose@example.com' }));
      await expect(users.signInWithIdentity(person('google', { email: 'josé@example.com' }))).resolves.toEqual(
        expect.any(Number),
      );
    });

    it('still signs in a returning person whose new e-mail another profile has', async () => {
      const bob = person('facebook');
      const bobId = await users.signInWithIdentity(bob);
      const grace = person('google');
      await users.signInWithIdentity(grace);
      await expect(users.signInWithIdentity({ ...bob, email: grace.email })).resolves.toBe(bobId);
      const googleGrace = person('google', { email: 'g.other@example.com' });
      const googleId = await users.signInWithIdentity(googleGrace);
      await expect(users.signInWithIdentity({ ...googleGrace, email: bob.email })).resolves.toBe(googleId);
    });
  });

  describe('linking, explicitly, from a signed-in profile', () => {
    it('links Google to a Facebook profile whatever its e-mail; then either provider signs the person in', async () => {
      const alice = person('facebook', { email: 'alice.links@example.com' });
      const aliceId = await users.signInWithIdentity(alice);
      const googleAlice = person('google', { email: 'alice.links@example.com', firstName: 'Other' });
      // Refused as a first sign-in (same e-mail) …
      await expect(users.signInWithIdentity(googleAlice)).rejects.toBeInstanceOf(IdentityNotLinkedError);
      // … linked when the signed-in person asks, without touching the profile's fields.
      await expect(users.signInWithIdentity(googleAlice, { linkTo: aliceId })).resolves.toBe(aliceId);
      expect(await profileOf(aliceId)).toMatchObject({ facebook_id: alice.subject, first_name: alice.firstName });
      await expect(users.providersOf(aliceId)).resolves.toEqual(['facebook', 'google']);

      await expect(users.signInWithIdentity(googleAlice)).resolves.toBe(aliceId);
      expect(await profileOf(aliceId)).toMatchObject({ first_name: 'Other' }); // a sign-in refreshes
      await expect(users.signInWithIdentity(alice)).resolves.toBe(aliceId);

      // Linking the same identity again changes nothing.
      await expect(users.signInWithIdentity(googleAlice, { linkTo: aliceId })).resolves.toBe(aliceId);
      expect(await identitiesOf(aliceId)).toEqual([{ provider: 'google', subject: googleAlice.subject }]);
    });

    it('links Facebook to a Google-only profile (sets its facebook_id)', async () => {
      const grace = person('google');
      const graceId = await users.signInWithIdentity(grace);
      const facebookGrace = person('facebook', { firstName: 'Changed' });
      await expect(users.signInWithIdentity(facebookGrace, { linkTo: graceId })).resolves.toBe(graceId);
      expect(await profileOf(graceId)).toMatchObject({
        facebook_id: facebookGrace.subject,
        first_name: grace.firstName,
      });
      await expect(users.providersOf(graceId)).resolves.toEqual(['facebook', 'google']);
      await expect(users.signInWithIdentity(facebookGrace)).resolves.toBe(graceId);
      await expect(users.signInWithIdentity(facebookGrace, { linkTo: graceId })).resolves.toBe(graceId);
    });

    it("keeps the profile's e-mail when a Facebook sign-in declines it (from Google, or an earlier grant)", async () => {
      const grace = person('google');
      const graceId = await users.signInWithIdentity(grace);
      const facebookGrace = person('facebook', { email: null, declinedPermissions: ['email'] });
      await users.signInWithIdentity(facebookGrace, { linkTo: graceId });
      await expect(users.signInWithIdentity(facebookGrace)).resolves.toBe(graceId);
      expect(await profileOf(graceId)).toMatchObject({ email: grace.email, first_name: facebookGrace.firstName });
      await expect(users.viewOf(graceId)).resolves.toMatchObject({ email: grace.email, declined: ['email'] });

      // Granted once, declined later: the address Facebook gave stays; a new one replaces it.
      const alice = person('facebook');
      const aliceId = await users.signInWithIdentity(alice);
      await users.signInWithIdentity({ ...alice, email: null, declinedPermissions: ['email'] });
      expect(await profileOf(aliceId)).toMatchObject({ email: alice.email });
      await users.signInWithIdentity({ ...alice, email: 'alice.new@example.com', declinedPermissions: [] });
      expect(await profileOf(aliceId)).toMatchObject({ email: 'alice.new@example.com' });
      // The other upsert (upsertFromFacebook) keeps it too.
      await users.upsertFromFacebook({
        facebookId: alice.subject,
        firstName: alice.firstName,
        lastName: alice.lastName,
        email: null,
      });
      expect(await profileOf(aliceId)).toMatchObject({ email: 'alice.new@example.com' });
    });

    it("refuses to link another profile's identity, or a second identity at one provider", async () => {
      const alice = person('facebook');
      const aliceId = await users.signInWithIdentity(alice);
      const bob = person('facebook');
      const bobId = await users.signInWithIdentity(bob);
      const googleBob = person('google');
      await users.signInWithIdentity(googleBob, { linkTo: bobId });

      // Identities of another profile.
      await expect(users.signInWithIdentity(googleBob, { linkTo: aliceId })).rejects.toBeInstanceOf(IdentityInUseError);
      await expect(users.signInWithIdentity(bob, { linkTo: aliceId })).rejects.toMatchObject({
        reason: 'identity_in_use',
        provider: 'facebook',
      });
      const googleOnly = person('google');
      const googleOnlyId = await users.signInWithIdentity(googleOnly);
      await expect(users.signInWithIdentity(bob, { linkTo: googleOnlyId })).rejects.toBeInstanceOf(IdentityInUseError);
      expect(await profileOf(googleOnlyId)).toMatchObject({ facebook_id: null });

      // A second identity at a provider the profile already has.
      await expect(users.signInWithIdentity(person('google'), { linkTo: bobId })).rejects.toBeInstanceOf(
        IdentityInUseError,
      );
      await expect(users.signInWithIdentity(person('facebook'), { linkTo: aliceId })).rejects.toBeInstanceOf(
        IdentityInUseError,
      );
      await expect(users.providersOf(aliceId)).resolves.toEqual(['facebook']);
      await expect(users.providersOf(bobId)).resolves.toEqual(['facebook', 'google']);
    });

    it('refuses to link to a profile that does not exist', async () => {
      await expect(users.signInWithIdentity(person('google'), { linkTo: 999999 })).rejects.toThrow(/No user_profile/);
    });
  });

  describe('races', () => {
    it.each(['facebook', 'google'])(
      'leaves one profile after 10 concurrent first sign-ins of one %s identity',
      async (provider) => {
        const newcomer = person(provider);
        const ids = await Promise.all(Array.from({ length: 10 }, () => users.signInWithIdentity(newcomer)));
        expect(new Set(ids).size).toBe(1);
        expect(await profilesWithEmail(newcomer.email!)).toEqual([ids[0]]);
        const identities = await db.query<{ n: string }[]>(
          'SELECT COUNT(*) AS n FROM user_identity WHERE provider = ? AND subject = ?',
          [provider, newcomer.subject],
        );
        expect(Number(identities[0].n)).toBe(provider === 'facebook' ? 0 : 1);
      },
    );

    it('leaves one profile when a Facebook and a Google first sign-in with one e-mail race; the other is refused', async () => {
      for (let round = 0; round < 8; round++) {
        const email = `race${round}.${sequence}@example.com`;
        const outcomes = await Promise.allSettled([
          users.signInWithIdentity(person('facebook', { email })),
          users.signInWithIdentity(person('google', { email: email.toUpperCase() })),
        ]);
        const signedIn = outcomes.filter((outcome) => outcome.status === 'fulfilled');
        const refused = outcomes.filter(
          (outcome) => outcome.status === 'rejected' && outcome.reason instanceof IdentityNotLinkedError,
        );
        expect([signedIn.length, refused.length]).toEqual([1, 1]);
        expect(await profilesWithEmail(email)).toEqual([signedIn[0].value]);
      }
    });
  });

  it("Facebook's data deletion removes the person with their other identities, and nobody else", async () => {
    const alice = person('facebook');
    const aliceId = await users.signInWithIdentity(alice);
    const googleAlice = person('google');
    await users.signInWithIdentity(googleAlice, { linkTo: aliceId });
    const grace = person('google');
    const graceId = await users.signInWithIdentity(grace);

    await expect(users.deleteByFacebookId(alice.subject)).resolves.toMatchObject({ deletedUserId: aliceId });
    expect(await profileOf(aliceId)).toBeUndefined();
    expect(await identitiesOf(aliceId)).toEqual([]);
    expect(await profileOf(graceId)).toBeDefined();
    // The unlinked Google identity is a newcomer again.
    await expect(users.signInWithIdentity(googleAlice)).resolves.not.toBe(aliceId);
  });

  it('has entities that match the migrations (no schema change left to generate)', async () => {
    // mariadb:// so TypeORM reads MariaDB's catalog (column defaults) in its own dialect.
    const catalog = new DataSource({
      ...mysqlOptions(ns.databaseUrl.replace(/^mysql:/, 'mariadb:')),
      entities: ENTITIES,
    });
    await catalog.initialize();
    try {
      const sql = await catalog.driver.createSchemaBuilder().log();
      expect(sql.upQueries.map((query) => query.query)).toEqual([]);
    } finally {
      await catalog.destroy();
    }
  });
});

describe('The UserIdentity migration keeps existing data, up and down (MariaDB)', () => {
  const ns = testNamespace();
  // Its place in the list: the schema before it, and up to it (later migrations are not this test's).
  const at = MIGRATIONS.findIndex((migration) => migration.name === 'UserIdentity1796328592081');
  const userIdentity = MIGRATIONS[at];
  let db: DataSource;

  beforeAll(async () => {
    await ensureDatabase(ns.databaseUrl);
    // The schema as it was before this migration.
    const before = new DataSource({ ...mysqlOptions(ns.databaseUrl), migrations: MIGRATIONS.slice(0, at) });
    await before.initialize();
    await before.runMigrations({ transaction: 'each' });
    await before.query(
      "INSERT INTO user_profile (public_id, facebook_id, first_name, last_name, email) VALUES ('p_before_identities___', '10000000000000001', 'Zoë', 'Ñúñez', 'zoe@example.com')",
    );
    await before.query(
      `INSERT INTO async_operation (public_id, async_operation_status_id, user_profile_id, session_id_hash, deadline_at)
       SELECT 'o_before_identities___', 2, id, REPEAT('0', 64), NOW(3) FROM user_profile`,
    );
    await before.destroy();
    db = new DataSource({
      ...mysqlOptions(ns.databaseUrl),
      entities: ENTITIES,
      migrations: MIGRATIONS.slice(0, at + 1),
    });
    await db.initialize();
  });
  afterAll(async () => {
    if (db?.isInitialized) await db.destroy();
    await dropDatabase(ns.databaseUrl);
  });

  const column = async (table: string, name: string) => {
    const [row] = await db.query<{ IS_NULLABLE: string; COLUMN_DEFAULT: string | null }[]>(
      'SELECT IS_NULLABLE, COLUMN_DEFAULT FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = ?',
      [table, name],
    );
    return row;
  };
  const hasTable = async (name: string) =>
    (
      await db.query<unknown[]>(
        'SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?',
        [name],
      )
    ).length > 0;
  const expectExistingDataKept = async () => {
    expect(
      await db.query(
        'SELECT public_id, facebook_id, first_name, last_name, email FROM user_profile WHERE facebook_id IS NOT NULL',
      ),
    ).toEqual([
      {
        public_id: 'p_before_identities___',
        facebook_id: '10000000000000001',
        first_name: 'Zoë',
        last_name: 'Ñúñez',
        email: 'zoe@example.com',
      },
    ]);
    const [operation] = await db.query<{ public_id: string; user_profile_id: number }[]>(
      'SELECT public_id, user_profile_id FROM async_operation',
    );
    expect(operation).toMatchObject({ public_id: 'o_before_identities___', user_profile_id: expect.any(Number) });
  };
  const expectUp = async () => {
    expect(await hasTable('user_identity')).toBe(true);
    expect(await column('user_profile', 'facebook_id')).toMatchObject({ IS_NULLABLE: 'YES' });
    expect(await column('async_operation', 'provider')).toMatchObject({
      IS_NULLABLE: 'NO',
      COLUMN_DEFAULT: "'facebook'",
    });
    // Existing attempts were Facebook's.
    expect(await db.query('SELECT provider FROM async_operation')).toEqual([{ provider: 'facebook' }]);
    await expectExistingDataKept();
  };
  const expectDown = async () => {
    expect(await hasTable('user_identity')).toBe(false);
    expect(await column('user_profile', 'facebook_id')).toMatchObject({ IS_NULLABLE: 'NO' });
    expect(await column('async_operation', 'provider')).toBeUndefined();
    await expectExistingDataKept();
  };

  it('up, down and up again keep the Facebook profile and its attempt', async () => {
    await expect(db.runMigrations({ transaction: 'each' })).resolves.toEqual([
      expect.objectContaining({ name: userIdentity.name }),
    ]);
    await expectUp();

    // A Facebook person who also linked Google loses the link on the way down, never the profile.
    const users = new UsersService(db.getRepository(UserProfile), db);
    const [{ id }] = await db.query<{ id: number }[]>('SELECT id FROM user_profile');
    await users.signInWithIdentity(
      { provider: 'google', subject: '108000000000000000001', firstName: null, lastName: null, email: null },
      { linkTo: id },
    );

    await db.undoLastMigration({ transaction: 'each' });
    await expectDown();

    await db.runMigrations({ transaction: 'each' });
    await expectUp();
    expect(await db.query('SELECT COUNT(*) AS n FROM user_identity')).toEqual([{ n: '0' }]);
  });

  it('refuses to go down while a profile has no facebook_id, saying how many and why, and changes nothing', async () => {
    const users = new UsersService(db.getRepository(UserProfile), db);
    const grace = {
      provider: 'google',
      subject: '108000000000000000002',
      firstName: 'Grace',
      lastName: null,
      email: null,
    };
    const graceId = await users.signInWithIdentity(grace);

    const revert = db.undoLastMigration({ transaction: 'each' });
    await expect(revert).rejects.toThrow(
      /Cannot revert UserIdentity\d+: 1 user_profile row\(s\) have no facebook_id .*does not delete people/,
    );
    await expectUp();
    await expect(users.signInWithIdentity(grace)).resolves.toBe(graceId);
    const [{ n }] = await db.query<{ n: string }[]>('SELECT COUNT(*) AS n FROM migrations WHERE name = ?', [
      userIdentity.name,
    ]);
    expect(Number(n)).toBe(1);
  });
});
