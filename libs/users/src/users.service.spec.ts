import { QueryFailedError, type DataSource, type Repository } from 'typeorm';
import { IdentityNotLinkedError } from './identity-errors';
import type { UserProfile } from './user-profile.entity';
import { UsersService } from './users.service';

const PROFILE = Object.freeze({ facebookId: '42', firstName: 'Zoë 😀', lastName: 'Ñúñez', email: null });
const FACEBOOK = Object.freeze({
  provider: 'facebook',
  subject: '42',
  firstName: 'Zoë 😀',
  lastName: 'Ñúñez',
  email: 'zoe@example.com',
});
const EXISTING_ROW = 2 ** 32;

function mocks() {
  const repository = { query: jest.fn().mockResolvedValue({ insertId: 1, affectedRows: 2 }) };
  const dataSource = { transaction: jest.fn() };
  return {
    repository,
    dataSource,
    service: new UsersService(repository as unknown as Repository<UserProfile>, dataSource as unknown as DataSource),
  };
}

const deadlock = () => new QueryFailedError('INSERT', [], Object.assign(new Error('deadlock'), { errno: 1213 }));

describe(UsersService.name, () => {
  describe('upsertFromFacebook', () => {
    it('upserts on facebook_id in one statement, keeping the first public id, and returns the id', async () => {
      const { repository, service } = mocks();
      await expect(service.upsertFromFacebook(PROFILE)).resolves.toBe(1);
      expect(repository.query).toHaveBeenCalledTimes(1);
      const [sql, params] = repository.query.mock.calls[0] as [string, unknown[]];
      expect(sql).toMatch(/ON DUPLICATE KEY UPDATE/);
      expect(sql).toMatch(/id = LAST_INSERT_ID\(id\)/);
      // public_id is written on insert only.
      expect(sql.split('UPDATE')[1]).not.toMatch(/public_id/);
      expect(params).toEqual([expect.stringMatching(/^[\w-]{22}$/), '42', 'Zoë 😀', 'Ñúñez', null, null, null, null]);
    });

    it('repeats the statement once when InnoDB picks it as a deadlock victim', async () => {
      const { repository, service } = mocks();
      repository.query.mockRejectedValueOnce(deadlock()).mockResolvedValueOnce({ insertId: 3 });
      await expect(service.upsertFromFacebook(PROFILE)).resolves.toBe(3);
      expect(repository.query).toHaveBeenCalledTimes(2);
    });

    it('does not hide other database errors', async () => {
      const { repository, service } = mocks();
      repository.query.mockRejectedValue(new QueryFailedError('INSERT', [], new Error('boom')));
      await expect(service.upsertFromFacebook(PROFILE)).rejects.toBeInstanceOf(QueryFailedError);
    });
  });

  describe('viewOf', () => {
    it('reads the view as stored in one statement, the JSON list parsed', async () => {
      const { repository, service } = mocks();
      repository.query.mockResolvedValueOnce([
        {
          publicId: 'p',
          firstName: 'Zoë',
          lastName: null,
          email: null,
          declinedPermissions: '["email"]',
          pictureUrl: 'http://127.0.0.1:3001/emulator/pictures/1.svg',
        },
      ]);
      await expect(service.viewOf(5)).resolves.toEqual({
        id: 'p',
        firstName: 'Zoë',
        lastName: null,
        email: null,
        declined: ['email'],
        pictureUrl: 'http://127.0.0.1:3001/emulator/pictures/1.svg',
      });
      expect(repository.query).toHaveBeenCalledWith(expect.stringMatching(/WHERE id = \?/), [5]);
      repository.query.mockResolvedValueOnce([
        {
          publicId: 'q',
          firstName: null,
          lastName: null,
          email: 'a@b.c',
          declinedPermissions: null,
          pictureUrl: null,
        },
      ]);
      await expect(service.viewOf(6)).resolves.toMatchObject({ declined: [], pictureUrl: null });
      repository.query.mockResolvedValueOnce([]);
      await expect(service.viewOf(7)).resolves.toBeNull();
    });
  });

  describe('signInWithIdentity, Facebook', () => {
    it('signs a returning person in with one statement: the upsert reports the existing id + 2^32', async () => {
      const { repository, dataSource, service } = mocks();
      repository.query.mockResolvedValueOnce({ insertId: EXISTING_ROW + 5, affectedRows: 1 });
      await expect(service.signInWithIdentity(FACEBOOK)).resolves.toBe(5);
      expect(repository.query).toHaveBeenCalledTimes(1);
      expect(dataSource.transaction).not.toHaveBeenCalled();
      const [sql, params] = repository.query.mock.calls[0] as [string, unknown[]];
      expect(sql).toMatch(/VALUES \(\?, \?, \?, \?, \?, \?, \?, \?\)\s+ON DUPLICATE KEY UPDATE/);
      expect(sql).toMatch(/id = LAST_INSERT_ID\(id \+ 4294967296\) - 4294967296/);
      expect(sql.split('UPDATE')[1]).not.toMatch(/public_id|facebook_id/);
      expect(params).toEqual([
        expect.stringMatching(/^[\w-]{22}$/),
        '42',
        'Zoë 😀',
        'Ñúñez',
        'zoe@example.com',
        null,
        null,
        null,
      ]);
    });

    it('stores what was declined and the picture, and a sign-in that grants clears the decline', async () => {
      const { repository, service } = mocks();
      repository.query.mockResolvedValue({ insertId: EXISTING_ROW + 5, affectedRows: 1 });
      const picture = 'https://platform-lookaside.fbsbx.com/platform/profilepic/?asid=42&height=200&width=200';
      await service.signInWithIdentity({
        ...FACEBOOK,
        email: null,
        declinedPermissions: ['user_birthday', 'email', 'email'],
        grantedPermissions: ['public_profile'],
        pictureUrl: picture,
      });
      await service.signInWithIdentity({
        ...FACEBOOK,
        declinedPermissions: [],
        grantedPermissions: ['public_profile', 'email', 'user_birthday'],
        pictureUrl: null,
      });
      const [[sql, declinedParams], [, grantedParams]] = repository.query.mock.calls as [string, unknown[]][];
      expect(declinedParams.slice(4)).toEqual([null, '["email","user_birthday"]', '["public_profile"]', picture]);
      // '[]' is written, not NULL: it replaces the stored decline.
      expect(grantedParams.slice(4)).toEqual([
        'zoe@example.com',
        '[]',
        '["email","public_profile","user_birthday"]',
        null,
      ]);
      // A declined e-mail (NULL) keeps the address the profile has.
      expect(sql).toMatch(/email = COALESCE\(VALUES\(email\), email\)/);
      expect(sql).toMatch(/declined_permissions = COALESCE\(VALUES\(declined_permissions\), declined_permissions\)/);
      expect(sql).toMatch(/granted_permissions = COALESCE\(VALUES\(granted_permissions\), granted_permissions\)/);
      expect(sql).toMatch(/picture_url = VALUES\(picture_url\)/);
    });

    it('keeps the stored decline when the answer does not say (NULL)', async () => {
      const { repository, service } = mocks();
      repository.query.mockResolvedValueOnce({ insertId: EXISTING_ROW + 5, affectedRows: 1 });
      await service.signInWithIdentity(FACEBOOK);
      const [[, params]] = repository.query.mock.calls as [string, unknown[]][];
      expect(params[5]).toBeNull();
    });

    it('checks the e-mail of a profile it has just created, by the id and the public id it chose', async () => {
      const { repository, service } = mocks();
      repository.query
        .mockResolvedValueOnce({ insertId: 9, affectedRows: 1 })
        .mockResolvedValueOnce({ insertId: 0, affectedRows: 0 });
      await expect(service.signInWithIdentity(FACEBOOK)).resolves.toBe(9);
      expect(repository.query).toHaveBeenCalledTimes(2);
      const [[, [publicId]], [sql, params]] = repository.query.mock.calls as [string, unknown[]][];
      expect(sql).toMatch(/^\s*DELETE created FROM user_profile created\s+JOIN user_profile other/);
      expect(params).toEqual([9, publicId]);
    });

    it('refuses a first sign-in whose e-mail another profile has (the check removed the new row)', async () => {
      const { repository, service } = mocks();
      repository.query
        .mockResolvedValueOnce({ insertId: 9, affectedRows: 1 })
        .mockResolvedValueOnce({ insertId: 0, affectedRows: 1 });
      await expect(service.signInWithIdentity(FACEBOOK)).rejects.toBeInstanceOf(IdentityNotLinkedError);
    });

    it('creates a profile without an e-mail in one statement (nothing to match)', async () => {
      const { repository, service } = mocks();
      repository.query.mockResolvedValueOnce({ insertId: 9, affectedRows: 1 });
      await expect(service.signInWithIdentity({ ...FACEBOOK, email: null })).resolves.toBe(9);
      expect(repository.query).toHaveBeenCalledTimes(1);
    });

    it('repeats a deadlocked statement', async () => {
      const { repository, service } = mocks();
      repository.query.mockRejectedValueOnce(deadlock()).mockResolvedValueOnce({ insertId: EXISTING_ROW + 5 });
      await expect(service.signInWithIdentity(FACEBOOK)).resolves.toBe(5);
      expect(repository.query).toHaveBeenCalledTimes(2);
    });

    it('gives up after a bounded number of deadlocks', async () => {
      const { repository, service } = mocks();
      repository.query.mockRejectedValue(deadlock());
      await expect(service.signInWithIdentity(FACEBOOK)).rejects.toBeInstanceOf(QueryFailedError);
      expect(repository.query).toHaveBeenCalledTimes(6);
    });

    it('takes linkTo: null (job data that went through JSON) for a sign-in, not a link', async () => {
      const { repository, dataSource, service } = mocks();
      repository.query.mockResolvedValueOnce({ insertId: EXISTING_ROW + 5, affectedRows: 1 });
      await expect(service.signInWithIdentity(FACEBOOK, { linkTo: null })).resolves.toBe(5);
      expect(dataSource.transaction).not.toHaveBeenCalled();
    });

    it('refuses an identity that does not fit its columns before any statement', async () => {
      const { repository, service } = mocks();
      await expect(service.signInWithIdentity({ ...FACEBOOK, subject: '' })).rejects.toThrow(
        /Invalid facebook subject/,
      );
      expect(repository.query).not.toHaveBeenCalled();
    });
  });

  describe('providersOf', () => {
    it("lists 'facebook' first, then the identities' providers by id", async () => {
      const { repository, service } = mocks();
      repository.query.mockResolvedValueOnce([{ provider: 'google' }, { provider: 'apple' }, { provider: 'facebook' }]);
      await expect(service.providersOf(7)).resolves.toEqual(['facebook', 'apple', 'google']);
      expect(repository.query.mock.calls[0][1]).toEqual([7, 7]);
    });
  });
});
