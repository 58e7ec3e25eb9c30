import { Module } from '@nestjs/common';
import { OperationHistoryModule } from '@app/async-operations/history';
import { SignInHistoryController } from './sign-in-history.controller';

/** `GET /api/me/sign-ins`; relies on the session middleware of AuthModule. */
@Module({
  imports: [OperationHistoryModule],
  controllers: [SignInHistoryController],
})
export class SignInHistoryModule {}
