import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** The article's status ids; the rows themselves come from a migration. */
export enum OperationStatusId {
  Pending = 1,
  Ok = 2,
  Error = 3,
}

export type OperationStatusCode = 'pending' | 'ok' | 'error';

export const STATUS_CODES: Record<OperationStatusId, OperationStatusCode> = {
  [OperationStatusId.Pending]: 'pending',
  [OperationStatusId.Ok]: 'ok',
  [OperationStatusId.Error]: 'error',
};

@Entity({ name: 'async_operation_status' })
export class AsyncOperationStatus {
  @PrimaryColumn({ type: 'tinyint', unsigned: true })
  id: OperationStatusId;

  @Index('UQ_async_operation_status_code', { unique: true })
  @Column({ type: 'varchar', length: 16 })
  code: OperationStatusCode;
}
