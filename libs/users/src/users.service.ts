import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, QueryFailedError, Repository } from 'typeorm';
import { DataDeletionRequest } from './data-deletion-request.entity';
import { newPublicId } from './public-id';
import { UserProfile } from './user-profile.entity';

/** The profile fields we keep from Facebook's `/me`. */
export interface FacebookProfile {
  facebookId: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
}

const ER_LOCK_DEADLOCK = 1213;

/** The public id is kept from the first insert; the rest follows Facebook. */
const UPSERT_FROM_FACEBOOK = `
  INSERT INTO user_profile (public_id, facebook_id, first_name, last_name, email)
  VALUES (?, ?, ?, ?, ?)
  ON DUPLICATE KEY UPDATE
    first_name = VALUES(first_name), last_name = VALUES(last_name), email = VALUES(email),
    id = LAST_INSERT_ID(id)`;

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(UserProfile)
    private readonly users: Repository<UserProfile>,
    private readonly dataSource: DataSource,
  ) {}

  findById(id: number): Promise<UserProfile | null> {
    return this.users.findOneBy({ id });
  }

  /**
   * A profile's public id, by its row id: after an upsert, the one column of
   * the row that the caller does not already know. One indexed read, written
   * out (TypeORM's findOneBy costs more CPU than the query itself here).
   */
  async publicIdOf(id: number): Promise<string | null> {
    const rows = await this.users.query<Array<{ public_id: string }>>(
      'SELECT public_id FROM user_profile WHERE id = ?',
      [id],
    );
    return rows[0]?.public_id ?? null;
  }

  findByFacebookId(facebookId: string): Promise<UserProfile | null> {
    return this.users.findOneBy({ facebookId });
  }

  /**
   * Inserts or refreshes the profile of a Facebook user in one statement
   * (INSERT … ON DUPLICATE KEY UPDATE on the unique facebook_id), so two first
   * logins of the same person that race still leave exactly one row. Returns
   * the profile's id: `id = LAST_INSERT_ID(id)` makes MySQL report the
   * existing row's id on an update too, so no second read is needed.
   */
  async upsertFromFacebook(profile: FacebookProfile): Promise<number> {
    const write = () =>
      this.users.query<{ insertId: number }>(UPSERT_FROM_FACEBOOK, [
        newPublicId(),
        profile.facebookId,
        profile.firstName,
        profile.lastName,
        profile.email,
      ]);
    let result: { insertId: number };
    try {
      result = await write();
    } catch (error) {
      // InnoDB may pick one of two racing upserts as a deadlock victim; it is safe to repeat.
      if (!isDeadlock(error)) throw error;
      result = await write();
    }
    return result.insertId;
  }

  /**
   * Facebook's data deletion: removes the profile (its sign-in history goes
   * with it, by ON DELETE CASCADE) and records the request, in one transaction.
   */
  async deleteByFacebookId(facebookId: string): Promise<DeletionResult> {
    return this.dataSource.transaction(async (manager) => {
      const user = await manager.findOne(UserProfile, {
        where: { facebookId },
        lock: { mode: 'pessimistic_write' },
      });
      if (user) await manager.delete(UserProfile, { id: user.id });
      const request = manager.create(DataDeletionRequest, {
        confirmationCode: newPublicId(),
        profileFound: Boolean(user),
      });
      await manager.save(request);
      return { confirmationCode: request.confirmationCode, deletedUserId: user?.id ?? null };
    });
  }

  findDeletionRequest(confirmationCode: string): Promise<DataDeletionRequest | null> {
    return this.dataSource.getRepository(DataDeletionRequest).findOneBy({ confirmationCode });
  }
}

export interface DeletionResult {
  confirmationCode: string;
  /** The internal id of the deleted profile, to end its sessions; null if none was stored. */
  deletedUserId: number | null;
}

function isDeadlock(error: unknown): boolean {
  return (
    error instanceof QueryFailedError &&
    (error.driverError as { errno?: number } | undefined)?.errno === ER_LOCK_DEADLOCK
  );
}
