import { type DynamicModule, Module, type OnModuleInit } from '@nestjs/common';
import { AuthModule } from '../../core/api/auth.module';
import { SignInProviders } from '../../core/api/sign-in-providers';
import { FACEBOOK_PROVIDER } from '../facebook.constants';
import { FACEBOOK_OPTIONS, type FacebookOptions } from '../facebook.options';
import { FacebookAuthController } from './facebook-auth.controller';
import { FacebookAuthorizationStore } from './facebook-authorization.store';
import { FacebookPlatformController } from './facebook-platform.controller';
import { FacebookStrategy } from './facebook.strategy';
import { SignedRequestLedger } from './signed-request-ledger';

/**
 * The API's Facebook: the dialog and callback routes (passport-facebook,
 * state + PKCE), and Facebook's server-to-server callbacks (data deletion,
 * deauthorize). Imports the core's AuthModule, so an app lists this after
 * nothing in particular: module imports, not their order, wire it.
 */
@Module({})
export class FacebookAuthModule implements OnModuleInit {
  constructor(private readonly providers: SignInProviders) {}

  static forRoot(options: Pick<FacebookOptions, 'extraScope'> = {}): DynamicModule {
    return {
      module: FacebookAuthModule,
      imports: [AuthModule],
      controllers: [FacebookAuthController, FacebookPlatformController],
      providers: [
        { provide: FACEBOOK_OPTIONS, useValue: options },
        FacebookAuthorizationStore,
        FacebookStrategy,
        SignedRequestLedger,
      ],
    };
  }

  onModuleInit(): void {
    this.providers.register(FACEBOOK_PROVIDER);
  }
}
