import { type DynamicModule, Module, type OnModuleInit } from '@nestjs/common';
import { AuthModule } from '../../core/api/auth.module';
import { SignInProviders } from '../../core/api/sign-in-providers';
import { GoogleDiscovery } from '../google-discovery';
import { GOOGLE_PROVIDER } from '../google.constants';
import { GOOGLE_OPTIONS, type GoogleOptions } from '../google.options';
import { GoogleAuthController } from './google-auth.controller';
import { GoogleAuthorization } from './google-authorization';

/**
 * The API's Google (OpenID Connect): GET /auth/google and its callback. Needs
 * GOOGLE_CLIENT_ID (and GOOGLE_CLIENT_SECRET, which the worker uses); the
 * issuer's discovery is read on the first sign-in, not at boot.
 */
@Module({})
export class GoogleAuthModule implements OnModuleInit {
  constructor(private readonly providers: SignInProviders) {}

  static forRoot(options: Pick<GoogleOptions, 'extraScope'> = {}): DynamicModule {
    return {
      module: GoogleAuthModule,
      imports: [AuthModule],
      controllers: [GoogleAuthController],
      providers: [{ provide: GOOGLE_OPTIONS, useValue: options }, GoogleDiscovery, GoogleAuthorization],
    };
  }

  onModuleInit(): void {
    this.providers.register(GOOGLE_PROVIDER);
  }
}
