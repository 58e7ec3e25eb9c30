/** Local (EventEmitter2) event carrying an OperationView, one name per operation. */
export const operationStatusEvent = (publicId: string) => `operation-status.${publicId}`;

/** Redis channel that carries status changes between processes. */
export const operationStatusChannel = (redisPrefix: string) => `${redisPrefix}:operation-status`;

/** How often an open stream re-reads a pending operation, in case an event was lost. */
export const STREAM_REREAD_INTERVAL_MS = 5000;

/** Local event: the status subscription reconnected, so streams should re-read their operation. */
export const OPERATION_STATUS_RESYNC_EVENT = 'operation-status-resync';
