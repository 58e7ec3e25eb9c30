import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, Repository } from 'typeorm';
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

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(UserProfile)
    private readonly users: Repository<UserProfile>,
  ) {}

  findById(id: number): Promise<UserProfile | null> {
    return this.users.findOneBy({ id });
  }

  findByFacebookId(facebookId: string): Promise<UserProfile | null> {
    return this.users.findOneBy({ facebookId });
  }

  /**
   * Inserts or refreshes the profile of a Facebook user in one statement
   * (INSERT … ON DUPLICATE KEY UPDATE on the unique facebook_id), so two first
   * logins of the same person that race still leave exactly one row.
   */
  async upsertFromFacebook(profile: FacebookProfile): Promise<UserProfile> {
    const write = () =>
      this.users
        .createQueryBuilder()
        .insert()
        .into(UserProfile)
        .values({
          publicId: newPublicId(),
          facebookId: profile.facebookId,
          firstName: profile.firstName,
          lastName: profile.lastName,
          email: profile.email,
        })
        // The public id is kept from the first insert; the rest follows Facebook.
        .orUpdate(['first_name', 'last_name', 'email'], ['facebook_id'])
        .updateEntity(false)
        .execute();
    try {
      await write();
    } catch (error) {
      // InnoDB may pick one of two racing upserts as a deadlock victim; it is safe to repeat.
      if (!isDeadlock(error)) throw error;
      await write();
    }
    return this.users.findOneByOrFail({ facebookId: profile.facebookId });
  }
}

function isDeadlock(error: unknown): boolean {
  return (
    error instanceof QueryFailedError &&
    (error.driverError as { errno?: number } | undefined)?.errno === ER_LOCK_DEADLOCK
  );
}
