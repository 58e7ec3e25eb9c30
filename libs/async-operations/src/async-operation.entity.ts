import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { PUBLIC_ID_LENGTH, UserProfile } from '@app/users';
import {
  AsyncOperationStatus,
  OperationStatusId,
} from './async-operation-status.entity';

export const ERROR_MESSAGE_LENGTH = 500;

/** One login attempt (the article's `async_operation`). */
@Entity({ name: 'async_operation' })
@Index('IDX_async_operation_status_deadline', ['statusId', 'deadlineAt'])
export class AsyncOperation {
  /** Internal only; the world sees `publicId`. */
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id: string;

  @Index('UQ_async_operation_public_id', { unique: true })
  @Column({ name: 'public_id', type: 'char', length: PUBLIC_ID_LENGTH })
  publicId: string;

  @Column({ name: 'async_operation_status_id', type: 'tinyint', unsigned: true })
  statusId: OperationStatusId;

  @ManyToOne(() => AsyncOperationStatus, { onDelete: 'RESTRICT', onUpdate: 'RESTRICT' })
  @JoinColumn({ name: 'async_operation_status_id', foreignKeyConstraintName: 'FK_async_operation_status' })
  status?: AsyncOperationStatus;

  @Index('IDX_async_operation_user_profile')
  @Column({ name: 'user_profile_id', type: 'int', unsigned: true, nullable: true })
  userProfileId: number | null;

  @ManyToOne(() => UserProfile, { nullable: true, onDelete: 'CASCADE', onUpdate: 'RESTRICT' })
  @JoinColumn({ name: 'user_profile_id', foreignKeyConstraintName: 'FK_async_operation_user_profile' })
  userProfile?: UserProfile | null;

  /** SHA-256 of the id of the browser session that started the attempt. */
  @Column({ name: 'session_id_hash', type: 'char', length: 64 })
  sessionIdHash: string;

  /** How many times a worker has started the exchange. */
  @Column({ type: 'smallint', unsigned: true, default: 0 })
  attempts: number;

  @Column({ name: 'error_code', type: 'varchar', length: 64, nullable: true })
  errorCode: string | null;

  @Column({ name: 'error_message', type: 'varchar', length: ERROR_MESSAGE_LENGTH, nullable: true })
  errorMessage: string | null;

  /** Past this moment a pending attempt is ended as error/timeout by the sweeper. */
  @Column({ name: 'deadline_at', type: 'datetime', precision: 3 })
  deadlineAt: Date;

  @Column({ name: 'finished_at', type: 'datetime', precision: 3, nullable: true })
  finishedAt: Date | null;

  @CreateDateColumn({
    name: 'created_at',
    type: 'datetime',
    precision: 3,
    default: () => 'CURRENT_TIMESTAMP(3)',
  })
  createdAt: Date;

  @UpdateDateColumn({
    name: 'updated_at',
    type: 'datetime',
    precision: 3,
    default: () => 'CURRENT_TIMESTAMP(3)',
    onUpdate: 'CURRENT_TIMESTAMP(3)',
  })
  updatedAt: Date;
}
