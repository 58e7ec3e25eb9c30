import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { APP_FILTER } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { ThrottlerModule } from '@nestjs/throttler';
import type { ApiEnv } from '@app/config';
import { AsyncOperationEventsModule, AsyncOperationsModule } from '@app/async-operations';
import { OperationHistoryModule } from '@app/async-operations/history';
import { UsersModule } from '@app/users';
import { AuthApiController } from './auth-api.controller';
import { DependencyUnavailableFilter } from './dependency-unavailable.filter';
import { FacebookAuthController } from './facebook-auth.controller';
import { FacebookAuthorizationStore } from './facebook-authorization.store';
import { FacebookCallbackService } from './facebook-callback.service';
import { FacebookLoginQueue } from './facebook-login.queue';
import { FacebookPlatformController } from './facebook-platform.controller';
import { FacebookStrategy } from './facebook.strategy';
import { LoginQueueModule } from './login-queue.module';
import { MeController } from './me.controller';
import { RedisThrottlerStorage } from './redis-throttler.storage';
import { SameOriginGuard } from './same-origin.guard';
import { SessionLifecycle } from './session-lifecycle';
import { SessionSerializer } from './session.serializer';
import { SessionSignIn } from './session-sign-in';
import { SignInAnnouncement } from './sign-in-announcement';
import { SignedRequestLedger } from './signed-request-ledger';

/** The API's side of sign-in: sessions, the OAuth routes, the status routes, the job producer. */
@Module({
  imports: [
    PassportModule.register({ session: true }),
    UsersModule,
    AsyncOperationsModule,
    AsyncOperationEventsModule,
    OperationHistoryModule,
    LoginQueueModule,
    // Counters live in Redis, so the limit holds across API instances.
    ThrottlerModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<ApiEnv, true>) => ({
        throttlers: [
          {
            name: 'default',
            ttl: config.get('RATE_LIMIT_WINDOW_MS', { infer: true }),
            limit: config.get('RATE_LIMIT_MAX', { infer: true }),
          },
        ],
        storage: new RedisThrottlerStorage(
          config.get('REDIS_URL', { infer: true }),
          `${config.get('REDIS_PREFIX', { infer: true })}:throttle:`,
        ),
      }),
    }),
  ],
  controllers: [FacebookAuthController, AuthApiController, MeController, FacebookPlatformController],
  providers: [
    { provide: FacebookAuthorizationStore, useValue: new FacebookAuthorizationStore() },
    FacebookStrategy,
    SessionSerializer,
    SessionLifecycle,
    SessionSignIn,
    SignInAnnouncement,
    SignedRequestLedger,
    SameOriginGuard,
    { provide: APP_FILTER, useClass: DependencyUnavailableFilter },
    FacebookCallbackService,
    FacebookLoginQueue,
  ],
})
export class AuthModule implements NestModule {
  constructor(private readonly sessions: SessionLifecycle) {}

  configure(consumer: MiddlewareConsumer): void {
    // Sessions only where they matter: the SPA's static files and probes never touch Redis.
    consumer.apply(...this.sessions.middleware()).forRoutes('auth/*path', 'api/*path');
  }
}
