import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { PUBLIC_ID_LENGTH } from './public-id';
import { CreatedAtColumn, UpdatedAtColumn } from '@app/database';

/** Column sizes: generous enough that real names and e-mails are never cut. */
export const USER_PROFILE_LIMITS = {
  facebookId: 64,
  name: 512,
  email: 320,
  /** Facebook's picture URLs (signed CDN addresses) run to several hundred characters. */
  pictureUrl: 2048,
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

  /**
   * The permissions the person declined on the provider's dialog at their
   * last Facebook sign-in (e.g. `["email"]`), as JSON; `[]` when they granted
   * all that was asked, NULL when no provider told.
   */
  @Column({ name: 'declined_permissions', type: 'simple-json', nullable: true })
  declinedPermissions: string[] | null;

  /** What the person granted at their last Facebook sign-in (`["email","public_profile"]`), as JSON; NULL before any. */
  @Column({ name: 'granted_permissions', type: 'simple-json', nullable: true })
  grantedPermissions: string[] | null;

  /** The provider's profile picture (an absolute http(s) URL), NULL when it gave none. */
  @Column({ name: 'picture_url', type: 'varchar', length: USER_PROFILE_LIMITS.pictureUrl, nullable: true })
  pictureUrl: string | null;

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
  /** Permissions the person declined at the provider (`["email"]`: it did not share the e-mail); `[]` when none. */
  declined: string[];
  /** Their profile picture, to show as is; null when the provider gave none. */
  pictureUrl: string | null;
}

/**
 * A profile's stored columns, as the entity holds them or as a raw query
 * reads them (declined permissions still JSON text).
 */
export type StoredUserView = Pick<UserProfile, 'publicId' | 'firstName' | 'lastName' | 'email'> & {
  declinedPermissions: readonly string[] | string | null;
  pictureUrl?: string | null;
};

/** What the API shows of a stored profile: the one place a row becomes a UserView. */
export function toUserView(user: StoredUserView): UserView {
  return {
    id: user.publicId,
    firstName: user.firstName,
    lastName: user.lastName,
    email: user.email,
    declined: declinedList(user.declinedPermissions),
    pictureUrl: user.pictureUrl ?? null,
  };
}

/** The stored list (an array, or its JSON text as a raw query reads it), or `[]`. */
function declinedList(stored: readonly string[] | string | null | undefined): string[] {
  let value: unknown = stored;
  if (typeof stored === 'string') {
    try {
      value = JSON.parse(stored);
    } catch {
      return [];
    }
  }
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
