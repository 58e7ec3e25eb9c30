import { Controller, Get, Injectable } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SignInProvidersDto } from './auth-api.dto';

/** A provider as the API and the SPA know it. */
export interface SignInProvider {
  /** Its id: its routes are /auth/<id> and /auth/<id>/callback, its jobs say `provider: <id>`. */
  id: string;
  /** Its name as people read it ("Facebook"), for buttons and messages. */
  name: string;
}

/** The providers this API offers: each provider's API module adds its own when the app starts. */
@Injectable()
export class SignInProviders {
  private readonly list: SignInProvider[] = [];

  register(provider: SignInProvider): void {
    if (this.list.some(({ id }) => id === provider.id)) throw new Error(`Provider ${provider.id} is registered twice`);
    this.list.push(provider);
  }

  all(): readonly SignInProvider[] {
    return this.list;
  }

  nameOf(id: string | undefined): string {
    return this.list.find((provider) => provider.id === id)?.name ?? 'The provider';
  }
}

/** GET /api/auth/providers: which sign-in buttons the SPA shows. */
@ApiTags('sign-in')
@Controller('api/auth/providers')
export class SignInProvidersController {
  constructor(private readonly providers: SignInProviders) {}

  @Get()
  @ApiOperation({ summary: 'The providers this server offers, for the sign-in buttons' })
  @ApiOkResponse({ type: SignInProvidersDto, description: 'The configured providers, in the order to show them.' })
  list(): { providers: readonly SignInProvider[] } {
    return { providers: this.providers.all() };
  }
}
