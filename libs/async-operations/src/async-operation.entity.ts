import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { PUBLIC_ID_LENGTH, UserProfile } from '@app/users';
import { AsyncOperationStatus, OperationStatusId } from './async-operation-status.entity';
import { CreatedAtColumn, UpdatedAtColumn } from '@app/database';

export const ERROR_MESSAGE_LENGTH = 500;
/** Browsers send longer user agents only to fingerprint; the first 512 characters say which browser it was. */
export const USER_AGENT_LENGTH = 512;
/** The longest text form of an address: an IPv4-mapped IPv6 address. */
export const CLIENT_IP_LENGTH = 45;

/** One login attempt (the article's `async_operation`). */
@Entity({ name: 'async_operation' })
@Index('IDX_async_operation_status_deadline', ['statusId', 'deadlineAt'])
// The retention pruner deletes by age; the owner link looks attempts up by session.
@Index('IDX_async_operation_created_at', ['createdAt'])
@Index('IDX_async_operation_session_id_hash', ['sessionIdHash'])
export class AsyncOperation {
  /** Internal only; the world sees `publicId`. */
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id: string;

  @Index('UQ_async_operation_public_id', { unique: true })
  @Column({ name: 'public_id', type: 'char', length: PUBLIC_ID_LENGTH })
  publicId: string;

  @Column({
    name: 'async_operation_status_id',
    type: 'tinyint',
    unsigned: true,
  })
  statusId: OperationStatusId;

  @ManyToOne(() => AsyncOperationStatus, {
    onDelete: 'RESTRICT',
    onUpdate: 'RESTRICT',
  })
  @JoinColumn({
    name: 'async_operation_status_id',
    foreignKeyConstraintName: 'FK_async_operation_status',
  })
  status?: AsyncOperationStatus;

  @Index('IDX_async_operation_user_profile')
  @Column({
    name: 'user_profile_id',
    type: 'int',
    unsigned: true,
    nullable: true,
  })
  userProfileId: number | null;

  @ManyToOne(() => UserProfile, {
    nullable: true,
    onDelete: 'CASCADE',
    onUpdate: 'RESTRICT',
  })
  @JoinColumn({
    name: 'user_profile_id',
    foreignKeyConstraintName: 'FK_async_operation_user_profile',
  })
  userProfile?: UserProfile | null;

  /** Who vouches for the person in this attempt: 'facebook', 'google', … (rows from before providers are Facebook's). */
  @Column({ type: 'varchar', length: 32, default: 'facebook' })
  provider: string;

  /** SHA-256 of the id of the browser session that started the attempt. */
  @Column({ name: 'session_id_hash', type: 'char', length: 64 })
  sessionIdHash: string;

  /** The browser's User-Agent at the callback, cut to USER_AGENT_LENGTH (sign-in history). */
  @Column({
    name: 'user_agent',
    type: 'varchar',
    length: USER_AGENT_LENGTH,
    nullable: true,
  })
  userAgent: string | null;

  /** The client's address at the callback (req.ip, so TRUST_PROXY decides whose it is). */
  @Column({
    name: 'client_ip',
    type: 'varchar',
    length: CLIENT_IP_LENGTH,
    nullable: true,
  })
  clientIp: string | null;

  /** How many times a worker has started the exchange. */
  @Column({ type: 'smallint', unsigned: true, default: 0 })
  attempts: number;

  @Column({ name: 'error_code', type: 'varchar', length: 64, nullable: true })
  errorCode: string | null;

  @Column({
    name: 'error_message',
    type: 'varchar',
    length: ERROR_MESSAGE_LENGTH,
    nullable: true,
  })
  errorMessage: string | null;

  /** Past this moment a pending attempt is ended as error/timeout by the sweeper. */
  @Column({ name: 'deadline_at', type: 'datetime', precision: 3 })
  deadlineAt: Date;

  @Column({
    name: 'finished_at',
    type: 'datetime',
    precision: 3,
    nullable: true,
  })
  finishedAt: Date | null;

  @CreatedAtColumn()
  createdAt: Date;

  @UpdatedAtColumn()
  updatedAt: Date;
}
