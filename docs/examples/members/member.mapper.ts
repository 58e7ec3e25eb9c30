import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { SIGN_IN_FINISHED_EVENT, type SignInFinishedEvent } from '@app/auth';
import { Member } from './member.entity';
import { memberFieldsOf } from './member-fields';

const COLUMNS = { displayName: 'display_name', birthday: 'birthday' } as const;

/**
 * Maps what the host asked the provider for (`identity.extra`) onto its own
 * entity, in the worker, after each finished sign-in or link. One statement,
 * an upsert keyed by the person, so sign-ins racing on two workers agree.
 */
@Injectable()
export class MemberMapper {
  constructor(@InjectRepository(Member) private readonly members: Repository<Member>) {}

  @OnEvent(SIGN_IN_FINISHED_EVENT)
  async onSignInFinished(event: Pick<SignInFinishedEvent, 'userProfileId' | 'identity'>): Promise<void> {
    const fields = memberFieldsOf(event.identity);
    const columns = (Object.keys(fields) as Array<keyof typeof fields>).map((key) => COLUMNS[key]);
    const insert = this.members
      .createQueryBuilder()
      .insert()
      .into(Member)
      .values({ userProfileId: event.userProfileId, ...fields });
    await (columns.length ? insert.orUpdate(columns, ['user_profile_id']) : insert.orIgnore()).execute();
  }
}
