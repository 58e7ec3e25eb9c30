import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, UpdatedAtColumn } from '@app/database';
import { IDENTITY_LIMITS } from './provider-identity';
import { UserProfile } from './user-profile.entity';

/**
 * A person's identity at a provider other than Facebook (Facebook's is the
 * article's `user_profile.facebook_id`): (provider, subject) is unique, so an
 * identity belongs to one profile. Provider and subject are ASCII compared
 * byte by byte: an OIDC `sub` is case-sensitive.
 */
@Entity({ name: 'user_identity' })
@Index('UQ_user_identity_provider_subject', ['provider', 'subject'], { unique: true })
export class UserIdentity {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id: number;

  @Index('IDX_user_identity_user_profile')
  @Column({ name: 'user_profile_id', type: 'int', unsigned: true })
  userProfileId: number;

  @ManyToOne(() => UserProfile, { onDelete: 'CASCADE', onUpdate: 'RESTRICT' })
  @JoinColumn({ name: 'user_profile_id', foreignKeyConstraintName: 'FK_user_identity_user_profile' })
  userProfile?: UserProfile;

  /** The provider's id, lower-case: 'google', … (never 'facebook'). */
  @Column({ type: 'varchar', length: IDENTITY_LIMITS.provider, charset: 'ascii', collation: 'ascii_bin' })
  provider: string;

  /** The provider's stable id of the person (OIDC `sub`). */
  @Column({ type: 'varchar', length: IDENTITY_LIMITS.subject, charset: 'ascii', collation: 'ascii_bin' })
  subject: string;

  @CreatedAtColumn()
  createdAt: Date;

  @UpdatedAtColumn()
  updatedAt: Date;
}
