import { type DynamicModule, Module, type OnModuleInit } from '@nestjs/common';
import { AuthModule, SignInProviders } from '@app/auth/api';
import { EXAMPLE_PROVIDER } from '../example.constants';
import { EXAMPLE_OPTIONS, type ExampleOptions } from '../example.options';
import { ExampleAuthController } from './example-auth.controller';

/**
 * The API's side of the provider: `ApiModule.forRoot({ imports:
 * [ExampleAuthModule.forRoot(options)] })`. It imports the core's AuthModule
 * (sessions, the start, the callback, the provider list) and adds itself to
 * the list the SPA's buttons come from.
 */
@Module({})
export class ExampleAuthModule implements OnModuleInit {
  constructor(private readonly providers: SignInProviders) {}

  static forRoot(options: ExampleOptions): DynamicModule {
    return {
      module: ExampleAuthModule,
      imports: [AuthModule],
      controllers: [ExampleAuthController],
      providers: [{ provide: EXAMPLE_OPTIONS, useValue: options }],
    };
  }

  onModuleInit(): void {
    this.providers.register(EXAMPLE_PROVIDER);
  }
}
