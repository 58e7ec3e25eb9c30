import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Member } from './member.entity';
import { MemberMapper } from './member.mapper';

/**
 * A host module for the worker: `WorkerModule.forRoot({ imports: [MembersModule],
 * facebook: { extraScope: [...MEMBER_FACEBOOK_SCOPE], extraFields: [...MEMBER_FACEBOOK_FIELDS] } })`, with
 * `ApiModule.forRoot({ facebook: { extraScope: [...MEMBER_FACEBOOK_SCOPE] } })`
 * on the API, so Facebook's dialog asks for the permission the field needs.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Member])],
  providers: [MemberMapper],
  exports: [TypeOrmModule],
})
export class MembersModule {}
