import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { PassportModule } from '@nestjs/passport';
import { ThrottlerModule } from '@nestjs/throttler';
import type { ApiEnv } from '@app/config';
import { AsyncOperationEventsModule, AsyncOperationsModule } from '@app/async-operations';
import { OperationHistoryModule } from '@app/async-operations/history';
import { UsersModule } from '@app/users';
import { ExchangeQueueModule } from '../queue/exchange-queue.module';
import { ExchangeProducer } from '../queue/exchange.producer';
import { SessionLifecycle } from '../session/session-lifecycle';
import { SessionSerializer } from '../session/session.serializer';
import { SessionSignIn } from '../session/session-sign-in';
import { AuthApiController } from './auth-api.controller';
import { MeController } from './me.controller';
import { OperationLogMiddleware } from './operation-log.middleware';
import { PendingAuthorizations } from './pending-authorizations';
import { RedisThrottlerStorage } from './redis-throttler.storage';
import { SameOriginGuard } from './same-origin.guard';
import { SignInAnnouncement } from './sign-in-announcement';
import { SignInCallbackService } from './sign-in-callback.service';
import { SignInProviders, SignInProvidersController } from './sign-in-providers';
import { SignInStart } from './sign-in-start';

/**
 * The API's provider-neutral side of sign-in: sessions, the start and the
 * callback every provider's routes run, the operation's JSON and SSE routes,
 * /api/me, the list of providers, the job producer and the rate limit. Each
 * provider's API module imports this one and registers itself with
 * SignInProviders. The app owns its global filters (apps/api).
 */
@Module({
  imports: [
    PassportModule.register({ session: true }),
    UsersModule,
    AsyncOperationsModule,
    AsyncOperationEventsModule,
    OperationHistoryModule,
    ExchangeQueueModule,
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
  controllers: [AuthApiController, MeController, SignInProvidersController],
  providers: [
    { provide: PendingAuthorizations, useValue: new PendingAuthorizations() },
    SessionSerializer,
    SessionLifecycle,
    SessionSignIn,
    SignInAnnouncement,
    SignInStart,
    SignInProviders,
    SameOriginGuard,
    SignInCallbackService,
    ExchangeProducer,
  ],
  exports: [
    PassportModule,
    ThrottlerModule,
    UsersModule,
    PendingAuthorizations,
    SessionLifecycle,
    SignInStart,
    SignInCallbackService,
    SignInProviders,
  ],
})
export class AuthModule implements NestModule {
  constructor(private readonly sessions: SessionLifecycle) {}

  configure(consumer: MiddlewareConsumer): void {
    // Sessions only where they matter: the SPA's static files and probes never touch Redis.
    // Log lines carry the operation's id: read from the session, so mounted right after it.
    consumer.apply(...this.sessions.middleware(), OperationLogMiddleware).forRoutes('auth/*path', 'api/*path');
  }
}
