import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataDeletionRequest } from './data-deletion-request.entity';
import { UserIdentity } from './user-identity.entity';
import { UserProfile } from './user-profile.entity';
import { UsersService } from './users.service';

@Module({
  imports: [TypeOrmModule.forFeature([UserProfile, UserIdentity, DataDeletionRequest])],
  providers: [UsersService],
  exports: [UsersService],
})
export class UsersModule {}
