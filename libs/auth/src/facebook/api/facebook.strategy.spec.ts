import { ConfigService } from '@nestjs/config';
import type { Request } from 'express';
import { PendingAuthorizations } from '../../core/api/pending-authorizations';
import { FacebookAuthorizationStore } from './facebook-authorization.store';
import { FacebookStrategy } from './facebook.strategy';

describe('FacebookStrategy: the dialog URL, and nothing else', () => {
  const config = new ConfigService({
    FACEBOOK_APP_ID: '1234567890',
    FACEBOOK_APP_SECRET: 'an-app-secret-the-api-never-hands-passport',
    PUBLIC_URL: 'http://localhost:3000',
    FACEBOOK_WEB_URL: 'https://www.facebook.com',
    FACEBOOK_GRAPH_URL: 'https://graph.facebook.com',
    FACEBOOK_GRAPH_VERSION: 'v25.0',
  });
  const strategyWith = (extraScope?: string[]) =>
    new FacebookStrategy(config as never, new FacebookAuthorizationStore(new PendingAuthorizations()), {
      ...(extraScope && { extraScope }),
    });

  /** The URL passport redirects a start to. */
  function dialogOf(strategy: FacebookStrategy, options: object = {}): URL {
    let location: string | undefined;
    const start = strategy as unknown as { redirect(url: string): void; error(error: Error): void };
    start.redirect = (url) => (location = url);
    start.error = (error) => {
      throw error;
    };
    strategy.authenticate({ query: {}, session: {} } as unknown as Request, options);
    return new URL(location!);
  }

  it('asks for the e-mail and the host’s extraScope, derived from what may be re-requested', () => {
    expect(dialogOf(strategyWith()).searchParams.get('scope')).toBe('email');
    const dialog = dialogOf(strategyWith(['public_profile', 'user_birthday', 'email']));
    expect(dialog.origin + dialog.pathname).toBe('https://www.facebook.com/v25.0/dialog/oauth');
    expect(dialog.searchParams.get('scope')).toBe('email,user_birthday');
    expect([...dialog.searchParams.keys()].sort()).toEqual([
      'client_id',
      'code_challenge',
      'code_challenge_method',
      'redirect_uri',
      'response_type',
      'scope',
      'state',
    ]);
  });

  it('a re-request: auth_type=rerequest and the permissions named', () => {
    const dialog = dialogOf(strategyWith(['user_birthday']), { authType: 'rerequest', scope: ['email'] });
    expect(dialog.searchParams.get('auth_type')).toBe('rerequest');
    expect(dialog.searchParams.get('scope')).toBe('email');
  });

  it('keeps no app secret, profile URL fields or proof: the API never fetches a profile', () => {
    const strategy = strategyWith() as unknown as Record<string, unknown>;
    expect(strategy._clientSecret).toBeUndefined();
    expect(strategy._enableProof).toBeUndefined();
    expect(strategy._profileFields).toBeNull();
  });
});
