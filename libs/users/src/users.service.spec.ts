import { QueryFailedError, type DataSource, type Repository } from 'typeorm';
import type { UserProfile } from './user-profile.entity';
import { UsersService } from './users.service';

const PROFILE = Object.freeze({ facebookId: '42', firstName: 'Zoë 😀', lastName: 'Ñúñez', email: null });

function mocks() {
  const builder = {
    insert: jest.fn().mockReturnThis(),
    into: jest.fn().mockReturnThis(),
    values: jest.fn().mockReturnThis(),
    orUpdate: jest.fn().mockReturnThis(),
    updateEntity: jest.fn().mockReturnThis(),
    execute: jest.fn().mockResolvedValue({}),
  };
  const repository = {
    createQueryBuilder: jest.fn(() => builder),
    findOneByOrFail: jest.fn().mockResolvedValue({ id: 1, facebookId: '42' }),
  };
  return { builder, repository, service: new UsersService(repository as unknown as Repository<UserProfile>, {} as DataSource) };
}

describe(UsersService.name, () => {
  it('upserts on facebook_id in one statement, keeping the first public id', async () => {
    const { builder, repository, service } = mocks();
    await expect(service.upsertFromFacebook(PROFILE)).resolves.toMatchObject({ id: 1 });
    expect(builder.values).toHaveBeenCalledWith(
      expect.objectContaining({ facebookId: '42', firstName: 'Zoë 😀', publicId: expect.stringMatching(/^[\w-]{22}$/) }),
    );
    expect(builder.orUpdate).toHaveBeenCalledWith(['first_name', 'last_name', 'email'], ['facebook_id']);
    expect(repository.findOneByOrFail).toHaveBeenCalledWith({ facebookId: '42' });
  });

  it('repeats the statement once when InnoDB picks it as a deadlock victim', async () => {
    const { builder, service } = mocks();
    const deadlock = new QueryFailedError('INSERT', [], Object.assign(new Error('deadlock'), { errno: 1213 }));
    builder.execute.mockRejectedValueOnce(deadlock).mockResolvedValueOnce({});
    await service.upsertFromFacebook(PROFILE);
    expect(builder.execute).toHaveBeenCalledTimes(2);
  });

  it('does not hide other database errors', async () => {
    const { builder, service } = mocks();
    builder.execute.mockRejectedValue(new QueryFailedError('INSERT', [], new Error('boom')));
    await expect(service.upsertFromFacebook(PROFILE)).rejects.toBeInstanceOf(QueryFailedError);
  });
});
