import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { AsyncOperationEventsModule, AsyncOperationsModule } from '@app/async-operations';
import { UsersModule } from '@app/users';
import { AuthApiController } from './auth-api.controller';
import { FacebookAuthController } from './facebook-auth.controller';
import { FacebookAuthorizationStore } from './facebook-authorization.store';
import { FacebookCallbackService } from './facebook-callback.service';
import { FacebookLoginQueue } from './facebook-login.queue';
import { FacebookStrategy } from './facebook.strategy';
import { LoginQueueModule } from './login-queue.module';
import { MeController } from './me.controller';
import { SessionLifecycle } from './session-lifecycle';
import { SessionSerializer } from './session.serializer';

/** The API's side of sign-in: sessions, the OAuth routes, the status routes, the job producer. */
@Module({
  imports: [
    PassportModule.register({ session: true }),
    UsersModule,
    AsyncOperationsModule,
    AsyncOperationEventsModule,
    LoginQueueModule,
  ],
  controllers: [FacebookAuthController, AuthApiController, MeController],
  providers: [
    { provide: FacebookAuthorizationStore, useValue: new FacebookAuthorizationStore() },
    FacebookStrategy,
    SessionSerializer,
    SessionLifecycle,
    FacebookCallbackService,
    FacebookLoginQueue,
  ],
})
export class AuthModule implements NestModule {
  constructor(private readonly sessions: SessionLifecycle) {}

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(...this.sessions.middleware()).forRoutes('*path');
  }
}
