import { CreateDateColumn, UpdateDateColumn } from 'typeorm';

/** `datetime(3)` set by MySQL on insert; the migrations declare the same. */
export function CreatedAtColumn(name = 'created_at'): PropertyDecorator {
  return CreateDateColumn({
    name,
    type: 'datetime',
    precision: 3,
    default: () => 'CURRENT_TIMESTAMP(3)',
  });
}

/** `datetime(3)` set by MySQL on insert and on every update. */
export function UpdatedAtColumn(name = 'updated_at'): PropertyDecorator {
  return UpdateDateColumn({
    name,
    type: 'datetime',
    precision: 3,
    default: () => 'CURRENT_TIMESTAMP(3)',
    onUpdate: 'CURRENT_TIMESTAMP(3)',
  });
}
