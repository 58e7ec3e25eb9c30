import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type Redis from 'ioredis';
import type { BaseEnv } from '@app/config';
import { REDIS_CLIENT } from '@app/redis';
import { signedRequestDigest, signedRequestLastValidSecond, type SignedRequestPayload } from './signed-request';

/** Which callback a request was accepted by: Facebook may send both for one person in the same second. */
export type SignedRequestPurpose = 'data-deletion' | 'deauthorize';

/**
 * Remembers every accepted signed_request in Redis (SET NX, by digest) until
 * it would expire anyway, so a copy replayed within its hour is refused.
 * Redis errors propagate: the caller answers 503, and Facebook's retry is
 * taken once Redis is back.
 */
@Injectable()
export class SignedRequestLedger {
  private readonly prefix: string;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    config: ConfigService<BaseEnv, true>,
  ) {
    this.prefix = `${config.get('REDIS_PREFIX', { infer: true })}:signed-request:`;
  }

  /**
   * Claims the request for `purpose`; false when it was claimed before (a
   * replay). When the work fails after the claim, `release` it so Facebook's
   * retry of the same request is not taken for a replay.
   */
  async claim(purpose: SignedRequestPurpose, signedRequest: string, payload: SignedRequestPayload): Promise<boolean> {
    const ttlMs = Math.max(1000, (signedRequestLastValidSecond(payload) + 1) * 1000 - Date.now());
    return (await this.redis.set(this.key(purpose, signedRequest), '1', 'PX', ttlMs, 'NX')) === 'OK';
  }

  async release(purpose: SignedRequestPurpose, signedRequest: string): Promise<void> {
    await this.redis.del(this.key(purpose, signedRequest));
  }

  private key(purpose: SignedRequestPurpose, signedRequest: string): string {
    return `${this.prefix}${purpose}:${signedRequestDigest(signedRequest)}`;
  }
}
