import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { SIGN_IN_FINISHED_EVENT, type SignInFinishedEvent } from '@app/auth';
import { Welcome } from './welcome.entity';

/** What a welcome says: the person's first name when the provider gave one. */
export function welcomeMessage(event: Pick<SignInFinishedEvent, 'user' | 'provider'>): string {
  const name = event.user.firstName?.trim();
  return `Welcome${name ? `, ${name.slice(0, 512)}` : ''}! You signed in with ${event.provider}.`;
}

/**
 * Welcomes each person once, on the first sign-in that reaches this host. It
 * runs in the worker, where the core emits SIGN_IN_FINISHED_EVENT after the
 * operation is ok and the session signed in: the core does not wait for it,
 * and a failure here is logged by Nest, never costs the sign-in.
 *
 * The event says nothing of whether the profile is new (a person who signed
 * in before this host existed is new to the host anyway), so the host's own
 * table decides: INSERT IGNORE on the person's id welcomes once, however many
 * sign-ins, workers or repeated events there are.
 */
@Injectable()
export class WelcomeListener {
  private readonly logger = new Logger(WelcomeListener.name);

  constructor(@InjectRepository(Welcome) private readonly welcomes: Repository<Welcome>) {}

  @OnEvent(SIGN_IN_FINISHED_EVENT)
  async onSignInFinished(event: SignInFinishedEvent): Promise<void> {
    // Linking a second provider is not arriving: that person was welcomed when they did.
    if (event.linked) return;
    const result = await this.welcomes
      .createQueryBuilder()
      .insert()
      .into(Welcome)
      .values({
        userProfileId: event.userProfileId,
        operationId: event.operationId,
        provider: event.provider,
        message: welcomeMessage(event),
      })
      .orIgnore()
      .execute();
    // mysql2 reports 0 affected rows for an ignored duplicate: they were welcomed before.
    const affected = (result.raw as { affectedRows?: number }).affectedRows ?? 0;
    if (affected > 0) this.logger.log(`Welcomed user ${event.user.id} (operation ${event.operationId})`);
  }
}
