import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { PUBLIC_ID_LENGTH } from './public-id';
import { CreatedAtColumn, UpdatedAtColumn } from '@app/database';

/** Column sizes: generous enough that real names and e-mails are never cut. */
export const USER_PROFILE_LIMITS = {
  facebookId: 64,
  name: 512,
  email: 320,
} as const;

/**
 * A person who signed in (the article's `user_profile`). `facebook_id` is the
 * person's Facebook identity, NULL for someone who signed in only with
 * another provider; other providers' identities are `UserIdentity` rows.
 */
@Entity({ name: 'user_profile' })
// The first-sign-in e-mail check reads this index only (UsersService).
@Index('IDX_user_profile_email', ['email', 'facebookId'])
export class UserProfile {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id: number;

  @Index('UQ_user_profile_public_id', { unique: true })
  @Column({ name: 'public_id', type: 'char', length: PUBLIC_ID_LENGTH })
  publicId: string;

  @Index('UQ_user_profile_facebook_id', { unique: true })
  @Column({
    name: 'facebook_id',
    type: 'varchar',
    length: USER_PROFILE_LIMITS.facebookId,
    nullable: true,
  })
  facebookId: string | null;

  @Column({
    name: 'first_name',
    type: 'varchar',
    length: USER_PROFILE_LIMITS.name,
    nullable: true,
  })
  firstName: string | null;

  @Column({
    name: 'last_name',
    type: 'varchar',
    length: USER_PROFILE_LIMITS.name,
    nullable: true,
  })
  lastName: string | null;

  @Column({
    type: 'varchar',
    length: USER_PROFILE_LIMITS.email,
    nullable: true,
  })
  email: string | null;

  @CreatedAtColumn()
  createdAt: Date;

  @UpdatedAtColumn()
  updatedAt: Date;
}

/** What the API shows of a user: never the internal id or a provider's id of the person. */
export interface UserView {
  id: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
}

export function toUserView(user: UserProfile): UserView {
  return {
    id: user.publicId,
    firstName: user.firstName,
    lastName: user.lastName,
    email: user.email,
  };
}

/** The view of a profile just written from Facebook's answer: what the row now holds. */
export function userViewOf(publicId: string, profile: Pick<UserProfile, 'firstName' | 'lastName' | 'email'>): UserView {
  return { id: publicId, firstName: profile.firstName, lastName: profile.lastName, email: profile.email };
}
