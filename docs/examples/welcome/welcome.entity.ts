import { Column, Entity, PrimaryColumn } from 'typeorm';
import { CreatedAtColumn } from '@app/database';
import { PUBLIC_ID_LENGTH } from '@app/users';

/**
 * The host's record of the people it welcomed: one row per person, written
 * by the first sign-in that reached this host (WelcomeListener). The table
 * is the host's own (HostWelcome1796400000000); it names user_profile.id and
 * goes when the profile does (a Facebook data-deletion request included).
 */
@Entity({ name: 'welcome' })
export class Welcome {
  /** user_profile.id of the person: internal, never sent to a browser. */
  @PrimaryColumn({ name: 'user_profile_id', type: 'int', unsigned: true })
  userProfileId: number;

  /** The operation that signed them in the first time (the id the SPA and the sign-in history show). */
  @Column({ name: 'operation_id', type: 'char', length: PUBLIC_ID_LENGTH })
  operationId: string;

  /** Which provider they came with: 'facebook', 'google', … */
  @Column({ type: 'varchar', length: 32 })
  provider: string;

  /** What the welcome said, as it was sent. */
  @Column({ type: 'varchar', length: 600 })
  message: string;

  @CreatedAtColumn('welcomed_at')
  welcomedAt: Date;
}
