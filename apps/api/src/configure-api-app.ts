import { ConfigService } from '@nestjs/config';
import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import { pictureImageSources } from '@app/auth/api';
import type { ApiEnv } from '@app/config';

/** Bodies we accept are tiny: a JSON `{}` or Facebook's signed_request form. */
const BODY_LIMIT = '16kb';

/** Settings of the HTTP app itself, shared by main.ts and the e2e tests. */
export function configureApiApp(app: NestExpressApplication): NestExpressApplication {
  const config = app.get<ConfigService<ApiEnv, true>>(ConfigService);
  const https = config.get('PUBLIC_URL', { infer: true }).startsWith('https:');
  app.set('trust proxy', config.get('TRUST_PROXY', { infer: true }));
  app.disable('x-powered-by');
  app.useBodyParser('json', { limit: BODY_LIMIT });
  app.useBodyParser('urlencoded', { limit: BODY_LIMIT, extended: false });
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          // Profile pictures load from the provider's image host (GET /api/me's pictureUrl); the
          // worker keeps only pictures from these same sources.
          imgSrc: [
            "'self'",
            'data:',
            ...pictureImageSources({
              FACEBOOK_WEB_URL: config.get('FACEBOOK_WEB_URL', { infer: true }),
              FACEBOOK_GRAPH_URL: config.get('FACEBOOK_GRAPH_URL', { infer: true }),
            }),
          ],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          ...(https ? { upgradeInsecureRequests: [] } : {}),
        },
      },
      // The callback URL carries a code: it must never leak in a Referer (RFC 9700 §4.2).
      referrerPolicy: { policy: 'no-referrer' },
      strictTransportSecurity: https ? { maxAge: 31536000, includeSubDomains: true } : false,
    }),
  );
  app.enableShutdownHooks();
  return app;
}
