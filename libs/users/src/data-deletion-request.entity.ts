import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { PUBLIC_ID_LENGTH } from './public-id';
import { CreatedAtColumn } from '@app/database';

/**
 * A Facebook Data Deletion Request, kept so the person can check its status
 * at the URL we answered with. It holds nothing about the person.
 */
@Entity({ name: 'data_deletion_request' })
export class DataDeletionRequest {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id: number;

  @Index('UQ_data_deletion_request_confirmation_code', { unique: true })
  @Column({ name: 'confirmation_code', type: 'char', length: PUBLIC_ID_LENGTH })
  confirmationCode: string;

  /** Whether a stored profile was found and deleted (false: there was nothing to delete). */
  @Column({ name: 'profile_found', type: 'boolean' })
  profileFound: boolean;

  @CreatedAtColumn('completed_at')
  completedAt: Date;
}
