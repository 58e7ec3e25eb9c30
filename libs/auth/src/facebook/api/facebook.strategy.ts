import { Inject, Injectable, Optional } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-facebook';
import { facebookEndpointsFrom, type ApiEnv } from '@app/config';
import { FACEBOOK_CALLBACK_PATH } from '../facebook.constants';
import { FACEBOOK_OPTIONS, type FacebookOptions } from '../facebook.options';
import { FacebookAuthorizationStore } from './facebook-authorization.store';
import { reRequestablePermissions } from '../facebook-permissions';

/**
 * passport-facebook, used for what belongs in the API: building the dialog
 * URL with a one-time state and PKCE (S256). It never exchanges a code; the
 * worker does that, so the callback answers in milliseconds.
 */
@Injectable()
export class FacebookStrategy extends PassportStrategy(Strategy, 'facebook') {
  constructor(
    config: ConfigService<ApiEnv, true>,
    store: FacebookAuthorizationStore,
    @Optional() @Inject(FACEBOOK_OPTIONS) options: FacebookOptions = {},
  ) {
    const { dialogUrl, graphApiUrl } = facebookEndpointsFrom(config);
    // Only what the dialog's URL needs: no secret, no profile URL or fields, no appsecret_proof
    // (the worker fetches the profile, with the timestamped proof).
    super({
      clientID: config.get('FACEBOOK_APP_ID', { infer: true }),
      callbackURL: config.get('PUBLIC_URL', { infer: true }) + FACEBOOK_CALLBACK_PATH,
      authorizationURL: dialogUrl,
      // passport-oauth2 insists on a token URL (passport-facebook's default is real Facebook's): never called here.
      tokenURL: `${graphApiUrl}/oauth/access_token`,
      scope: reRequestablePermissions(options.extraScope),
      pkce: 'S256',
      state: true,
      store,
    } as unknown as ConstructorParameters<typeof Strategy>[0]);
  }

  /**
   * Always start the dialog, whatever the query says: passport would exchange
   * a `code` found on this request, and that must never happen in the API.
   */
  override authenticate(req: Request, options?: object): void {
    const startOnly = Object.create(req, { query: { value: {}, enumerable: true } }) as Request;
    super.authenticate(startOnly, options);
  }

  validate(): never {
    throw new Error('The code exchange runs in the worker, never in the API');
  }
}
