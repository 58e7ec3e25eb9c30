import { QueryFailedError, type DataSource, type Repository } from 'typeorm';
import type { UserProfile } from './user-profile.entity';
import { UsersService } from './users.service';

const PROFILE = Object.freeze({ facebookId: '42', firstName: 'Zoë 😀', lastName: 'Ñúñez', email: null });

function mocks() {
  const repository = { query: jest.fn().mockResolvedValue({ insertId: 1, affectedRows: 2 }) };
  return { repository, service: new UsersService(repository as unknown as Repository<UserProfile>, {} as DataSource) };
}

describe(UsersService.name, () => {
  it('upserts on facebook_id in one statement, keeping the first public id, and returns the id', async () => {
    const { repository, service } = mocks();
    await expect(service.upsertFromFacebook(PROFILE)).resolves.toBe(1);
    expect(repository.query).toHaveBeenCalledTimes(1);
    const [sql, params] = repository.query.mock.calls[0] as [string, unknown[]];
    expect(sql).toMatch(/ON DUPLICATE KEY UPDATE/);
    expect(sql).toMatch(/id = LAST_INSERT_ID\(id\)/);
    // public_id is written on insert only.
    expect(sql.split('UPDATE')[1]).not.toMatch(/public_id/);
    expect(params).toEqual([expect.stringMatching(/^[\w-]{22}$/), '42', 'Zoë 😀', 'Ñúñez', null]);
  });

  it('repeats the statement once when InnoDB picks it as a deadlock victim', async () => {
    const { repository, service } = mocks();
    const deadlock = new QueryFailedError('INSERT', [], Object.assign(new Error('deadlock'), { errno: 1213 }));
    repository.query.mockRejectedValueOnce(deadlock).mockResolvedValueOnce({ insertId: 3 });
    await expect(service.upsertFromFacebook(PROFILE)).resolves.toBe(3);
    expect(repository.query).toHaveBeenCalledTimes(2);
  });

  it('does not hide other database errors', async () => {
    const { repository, service } = mocks();
    repository.query.mockRejectedValue(new QueryFailedError('INSERT', [], new Error('boom')));
    await expect(service.upsertFromFacebook(PROFILE)).rejects.toBeInstanceOf(QueryFailedError);
  });
});
