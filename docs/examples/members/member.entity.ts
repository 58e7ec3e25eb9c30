import { Column, Entity, PrimaryColumn } from 'typeorm';
import { UpdatedAtColumn } from '@app/database';
import { USER_PROFILE_LIMITS } from '@app/users';

/**
 * The host's own view of a person, beside the project's user_profile: what
 * the host asked the providers for beyond names and e-mail (MemberMapper).
 * Its table comes from the host's migration (HostMember1796400000001).
 */
@Entity({ name: 'member' })
export class Member {
  /** user_profile.id: internal, never sent to a browser. */
  @PrimaryColumn({ name: 'user_profile_id', type: 'int', unsigned: true })
  userProfileId: number;

  /** The provider's display name (Facebook's `name` field, Google's `name` claim). */
  @Column({ name: 'display_name', type: 'varchar', length: USER_PROFILE_LIMITS.name, nullable: true })
  displayName: string | null;

  /** `YYYY-MM-DD`; only a full date (Facebook gives some people's birthday without the year). */
  @Column({ type: 'date', nullable: true })
  birthday: string | null;

  @UpdatedAtColumn()
  updatedAt: Date;
}
