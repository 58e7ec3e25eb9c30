import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BaseEnv } from '@app/config';
import { REDIS_CLIENT } from '@app/redis';
import { ExchangeAbortedError } from '../queue/exchange-job';

/** How long a lease lives unless renewed: a dead holder's lease lapses this soon. */
export const LEASE_TTL_MS = 8000;
/** Renewed this often while held, so two missed renewals still keep it. */
const RENEW_EVERY_MS = LEASE_TTL_MS / 3;
/** How often a worker that found the lease taken asks again. */
const WAIT_POLL_MS = 250;

// Renew or release only a lease this holder still owns.
const RENEW_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

type LeaseClient = Redis & {
  aflLeaseRenew(key: string, holder: string, ttlMs: number): Promise<number>;
  aflLeaseRelease(key: string, holder: string): Promise<number>;
};

/** The lease could not be had before the deadline: another run still holds it. */
export class LeaseUnavailableError extends Error {
  constructor(operationId: string) {
    super(`Another run still holds the exchange of operation ${operationId}`);
    this.name = 'LeaseUnavailableError';
  }
}

/** The lease was lost while held (Redis away, or it lapsed): the work was told to stop. */
export class LeaseLostError extends ExchangeAbortedError {
  constructor(operationId: string, reason: string) {
    super(`Lost the exchange lease of operation ${operationId}: ${reason}`);
    this.name = 'LeaseLostError';
  }
}

/**
 * One exchange per operation at a time, across every worker. Bull's own lock
 * can lapse under a Redis blip or a long event-loop stall while the first run
 * is still talking to the provider; its stalled-job check then hands the job to a
 * second worker. The lease makes that second run wait until the first one has
 * finished (or died and its lease lapsed), so the provider's calls never run twice
 * at once and a spent code is never presented again by a live run.
 */
@Injectable()
export class ExchangeLease {
  private readonly logger = new Logger(ExchangeLease.name);
  private readonly prefix: string;
  private readonly redis: LeaseClient;

  constructor(@Inject(REDIS_CLIENT) redis: Redis, config: ConfigService<BaseEnv, true>) {
    this.prefix = `${config.get('REDIS_PREFIX', { infer: true })}:exchange-lease:`;
    // defineCommand sends EVALSHA, and each script's text only once per connection.
    redis.defineCommand('aflLeaseRenew', { numberOfKeys: 1, lua: RENEW_SCRIPT });
    redis.defineCommand('aflLeaseRelease', { numberOfKeys: 1, lua: RELEASE_SCRIPT });
    this.redis = redis as LeaseClient;
  }

  /**
   * Runs `work` while holding the operation's lease: waits for it until
   * `waitUntil`, renews it while the work runs, and releases it after.
   * `waited` tells the work that another run held it first (its view of the
   * job may be stale). If the lease is lost — another holder has it, or no
   * renewal got through for a whole TTL — `signal` aborts with a LeaseLostError.
   * A renewal that fails on a Redis blip is simply tried again: the TTL is
   * three renewals long, so a blip that costs Bull its lock leaves the lease.
   *
   * When `work` returns a result that `settled` calls final (the operation
   * has ended: no run of it will ask for the lease again), the lease is left
   * to lapse instead of released, which saves a round trip per sign-in; a
   * stray duplicate run then waits at most LEASE_TTL_MS to find it ended.
   * A run that throws (a retry follows) always releases it.
   */
  async hold<T>(
    operationId: string,
    waitUntil: Date,
    work: (signal: AbortSignal, lease: { waited: boolean }) => Promise<T>,
    settled: (result: T) => boolean = () => false,
  ): Promise<T> {
    const key = this.prefix + operationId;
    const holder = randomUUID();
    const waited = await this.acquire(key, holder, operationId, waitUntil);
    const lost = new AbortController();
    let renewedAt = Date.now();
    const renewer = setInterval(() => {
      this.redis
        .aflLeaseRenew(key, holder, LEASE_TTL_MS)
        .then((renewed) => {
          if (renewed) renewedAt = Date.now();
          else lost.abort(new LeaseLostError(operationId, 'another run holds it now'));
        })
        .catch((error: Error) => {
          if (Date.now() - renewedAt >= LEASE_TTL_MS) lost.abort(new LeaseLostError(operationId, error.message));
        });
    }, RENEW_EVERY_MS);
    let final = false;
    try {
      const result = await work(lost.signal, { waited });
      final = settled(result);
      return result;
    } finally {
      clearInterval(renewer);
      if (!final) {
        await this.redis.aflLeaseRelease(key, holder).catch((error: Error) => {
          // It lapses by itself within LEASE_TTL_MS.
          this.logger.warn(`Could not release the lease of operation ${operationId}: ${error.message}`);
        });
      }
    }
  }

  /** Resolves whether it had to wait for another holder. */
  private async acquire(key: string, holder: string, operationId: string, waitUntil: Date): Promise<boolean> {
    for (let waited = false; ; waited = true) {
      if ((await this.redis.set(key, holder, 'PX', LEASE_TTL_MS, 'NX')) === 'OK') {
        if (waited) this.logger.log(`Took the exchange lease of operation ${operationId} after waiting`);
        return waited;
      }
      if (!waited) this.logger.warn(`Operation ${operationId}: another run holds the exchange; waiting for it`);
      if (Date.now() + WAIT_POLL_MS >= waitUntil.getTime()) throw new LeaseUnavailableError(operationId);
      await sleep(WAIT_POLL_MS);
    }
  }
}
