/**
 * The "inline" baseline: Facebook login as most passport apps do it. Not a
 * product path — it exists only to be measured against.
 *
 * `AuthGuard('facebook')` on the callback runs passport-facebook's whole
 * exchange inside the request (code → token → /me with appsecret_proof →
 * /me/permissions, the same three Graph calls as the product's worker), the
 * verify callback upserts `user_profile` through the project's
 * `UsersService.upsertFromFacebook` (TypeORM, same table, same statement),
 * passport signs the browser in (a new session id, sessions in the same
 * Redis through connect-redis), and the browser is redirected home. No
 * queue, no worker, no retries: a Facebook failure is a failed login.
 *
 * Run (from the repository root):
 *   node -r ts-node/register/transpile-only -r tsconfig-paths/register bench/inline/main.ts
 * with PORT, PUBLIC_URL, DATABASE_URL, REDIS_URL, REDIS_PREFIX, SESSION_SECRET,
 * FACEBOOK_APP_ID, FACEBOOK_APP_SECRET, FACEBOOK_DIALOG_URL, FACEBOOK_GRAPH_URL.
 */
import { createHmac } from 'node:crypto';
import 'reflect-metadata';
import {
  type ArgumentsHost,
  Catch,
  Controller,
  type ExceptionFilter,
  type ExecutionContext,
  Get,
  Injectable,
  Module,
  Req,
  Res,
  UnauthorizedException,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AuthGuard, PassportModule, PassportSerializer, PassportStrategy } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import RedisStore from 'connect-redis';
import type { Request, Response } from 'express';
import session from 'express-session';
import Redis from 'ioredis';
import passport from 'passport';
import { type Profile, Strategy } from 'passport-facebook';
import { mysqlOptions } from '@app/database';
import { DataDeletionRequest, UserProfile, UsersModule, UsersService, toUserView, type UserView } from '@app/users';

const env = (name: string, fallback?: string): string => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`inline: ${name} is required`);
  return value;
};

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    /** What passport keeps on req.user: the internal id only (as the product does). */
    interface User {
      id: number;
    }
  }
}

type Done = (error: Error | null, user?: Express.User | false) => void;

/** The part of passport-oauth2's client (the `oauth` package) used here. */
interface OAuth2Client {
  get(url: string, accessToken: string, callback: (error: unknown, body?: string | Buffer) => void): void;
}

@Injectable()
class FacebookStrategy extends PassportStrategy(Strategy, 'facebook') {
  constructor(private readonly users: UsersService) {
    const graph = env('FACEBOOK_GRAPH_URL');
    super({
      clientID: env('FACEBOOK_APP_ID'),
      clientSecret: env('FACEBOOK_APP_SECRET'),
      callbackURL: `${env('PUBLIC_URL')}/auth/facebook/callback`,
      authorizationURL: env('FACEBOOK_DIALOG_URL'),
      tokenURL: `${graph}/oauth/access_token`,
      profileURL: `${graph}/me`,
      profileFields: ['id', 'emails', 'first_name', 'last_name', 'photos'],
      enableProof: true,
      scope: ['email'],
      // passport-oauth2's session state store: the state lives in express-session (Redis).
      state: true,
    });
  }

  /** Runs inside the callback request, after passport has the token and the profile. */
  async validate(accessToken: string, _refreshToken: string, profile: Profile): Promise<Express.User> {
    const id = await this.users.upsertFromFacebook({
      facebookId: profile.id,
      firstName: profile.name?.givenName || null,
      lastName: profile.name?.familyName || null,
      email: profile.emails?.[0]?.value || null,
      declinedPermissions: await this.declinedPermissions(accessToken),
      pictureUrl: profile.photos?.[0]?.value || null,
    });
    return { id };
  }

  /** GET /me/permissions through passport's own OAuth2 client, as a passport app would add it. */
  private declinedPermissions(accessToken: string): Promise<string[]> {
    const proof = createHmac('sha256', env('FACEBOOK_APP_SECRET')).update(accessToken).digest('hex');
    const url = `${env('FACEBOOK_GRAPH_URL')}/me/permissions?appsecret_proof=${proof}`;
    const oauth2 = (this as unknown as { _oauth2: OAuth2Client })._oauth2;
    return new Promise((resolve, reject) =>
      oauth2.get(url, accessToken, (error, body) => {
        if (error) return reject(new Error('permissions call failed'));
        const answer = JSON.parse(String(body)) as { data?: { permission: string; status: string }[] };
        resolve((answer.data ?? []).filter((p) => p.status === 'declined').map((p) => p.permission));
      }),
    );
  }
}

@Injectable()
class SessionSerializer extends PassportSerializer {
  serializeUser(user: Express.User, done: Done): void {
    done(null, { id: user.id });
  }

  deserializeUser(payload: { id?: unknown }, done: Done): void {
    done(null, typeof payload?.id === 'number' ? { id: payload.id } : false);
  }
}

/** Nest's documented session pattern: authenticate (here: the whole exchange), then passport's logIn. */
@Injectable()
class FacebookLoginGuard extends AuthGuard('facebook') {
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const ok = (await super.canActivate(context)) as boolean;
    await super.logIn(context.switchToHttp().getRequest<Request>());
    return ok;
  }
}

/** What a typical app does when the exchange throws: an error page, no retry. */
@Catch()
class LoginErrorFilter implements ExceptionFilter {
  catch(_error: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (!res.headersSent) res.redirect(302, '/login/error?reason=provider_error');
  }
}

@Controller()
class InlineController {
  constructor(private readonly users: UsersService) {}

  /** 302 to the dialog with a state kept in the session. */
  @Get('auth/facebook')
  @UseGuards(AuthGuard('facebook'))
  start(): void {}

  /** The exchange, /me, the upsert and the sign-in all happen before this answers. */
  @Get('auth/facebook/callback')
  @UseGuards(FacebookLoginGuard)
  @UseFilters(LoginErrorFilter)
  callback(@Res() res: Response): void {
    res.redirect(302, '/');
  }

  @Get('api/me')
  async me(@Req() req: Request): Promise<UserView> {
    const user = req.user ? await this.users.findById(req.user.id) : null;
    if (!user) throw new UnauthorizedException('Sign in first');
    return toUserView(user);
  }
}

@Module({
  imports: [
    PassportModule.register({ session: true }),
    TypeOrmModule.forRoot({ ...mysqlOptions(env('DATABASE_URL')), entities: [UserProfile, DataDeletionRequest] }),
    UsersModule,
  ],
  controllers: [InlineController],
  providers: [FacebookStrategy, SessionSerializer],
})
class InlineModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(InlineModule, {
    logger: ['error', 'warn'],
  });
  const redis = new Redis(env('REDIS_URL', 'redis://127.0.0.1:6379/0'));
  app.disable('x-powered-by');
  app.use(
    session({
      name: 'afl.sid',
      secret: env('SESSION_SECRET'),
      store: new RedisStore({ client: redis, prefix: `${env('REDIS_PREFIX')}:inline-sess:` }),
      resave: false,
      saveUninitialized: false,
      rolling: true,
      cookie: { httpOnly: true, sameSite: 'lax', secure: false, path: '/', maxAge: 2 * 60 * 60 * 1000 },
    }),
  );
  app.use(passport.initialize());
  app.use(passport.session());
  app.enableShutdownHooks();
  await app.listen(Number(env('PORT')), '127.0.0.1');
  console.log(`inline baseline listening on ${env('PUBLIC_URL')}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
