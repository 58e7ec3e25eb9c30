import { BullAdapter } from '@bull-board/api/bullAdapter';
import type { QueueAdapterOptions } from '@bull-board/api/typings/app';
import type { NextFunction, Request, Response } from 'express';
import type { Queue } from 'bull';
import type { ExchangeJobData } from '@app/auth';

/** What the dashboard shows of an exchange job: its operation and what it holds, never the values. */
export interface DashboardJobData {
  operationId: string | null;
  hasCode: boolean;
  hasCodeVerifier: boolean;
  hasSealedToken: boolean;
  /** When the code went to Facebook (epoch ms): a time, not a secret, and what support asks first. */
  codeSentAt: number | null;
}

/**
 * A whitelist, not a blacklist: a field added to the job data later stays
 * hidden until someone decides it may be shown.
 */
export function dashboardJobData(data: unknown): DashboardJobData {
  const job = (typeof data === 'object' && data !== null ? data : {}) as Partial<
    Record<keyof ExchangeJobData, unknown>
  >;
  const present = (value: unknown) => typeof value === 'string' && value.length > 0;
  return {
    operationId: typeof job.operationId === 'string' ? job.operationId : null,
    hasCode: present(job.code),
    hasCodeVerifier: present(job.codeVerifier),
    hasSealedToken: present(job.sealedToken),
    codeSentAt: typeof job.codeSentAt === 'number' ? job.codeSentAt : null,
  };
}

/**
 * bull-board's Bull adapter, read-only (bull-board answers 405 to its own
 * mutating routes and hides their buttons) and with every job field that
 * could carry data reduced to what support needs.
 */
export class ReadOnlyExchangeQueueAdapter extends BullAdapter {
  constructor(queue: Queue, options: Partial<QueueAdapterOptions> = {}) {
    super(queue, { ...options, readOnlyMode: true, allowRetries: false });
    this.setFormatter('data', dashboardJobData);
    // The exchange returns nothing and reports no progress: anything else there is not for display.
    this.setFormatter('returnValue', () => null);
    this.setFormatter('progress', (progress: unknown) => (typeof progress === 'number' ? progress : 0));
  }
}

const READS = new Set(['GET', 'HEAD']);

/**
 * In front of the whole dashboard: only reads get through, so no route of
 * this or a later bull-board version (clean, empty, retry, promote, add,
 * pause, obliterate, …) can change the login queue, whatever its adapter says.
 */
export function readOnlyDashboard(req: Request, res: Response, next: NextFunction): void {
  if (READS.has(req.method)) return next();
  res.status(403).json({
    statusCode: 403,
    message: 'The queue dashboard is read-only',
    error: 'Forbidden',
  });
}
