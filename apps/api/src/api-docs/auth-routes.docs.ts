import { getSchemaPath } from '@nestjs/swagger';
import type { OperationObject, ResponseObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import {
  HttpErrorDto,
  OperationStatusEventDto,
  OperationViewDto,
  MeViewDto,
  SignInProvidersDto,
  DataDeletionAnswerDto,
  DeauthorizeAnswerDto,
  SignedRequestFormDto,
} from '@app/auth/api';

type Model = Parameters<typeof getSchemaPath>[0];

const json = (description: string, model: Model): ResponseObject => ({
  description,
  content: { 'application/json': { schema: { $ref: getSchemaPath(model) } } },
});
const error = (description: string) => json(description, HttpErrorDto);
const redirect = (description: string): ResponseObject => ({
  description,
  headers: {
    Location: {
      description: 'Where the browser goes next.',
      schema: { type: 'string' },
    },
  },
});
const signedRequestBody: OperationObject['requestBody'] = {
  required: true,
  content: {
    'application/x-www-form-urlencoded': {
      schema: { $ref: getSchemaPath(SignedRequestFormDto) },
    },
  },
};
const RATE_LIMITED = error(
  'Past the rate limit (RATE_LIMIT_MAX per RATE_LIMIT_WINDOW_MS); `Retry-After` says when to try again.',
);
const CROSS_SITE = error('A cross-site request (`Origin` / `Sec-Fetch-Site` not this origin).');

/**
 * The sign-in routes of libs/auth, documented here because their controllers
 * carry no swagger decorators: keyed "METHOD /path" as the document has
 * them, merged into it, and refused if the route no longer exists (so the
 * document follows the code or the build of it fails).
 */
export const AUTH_ROUTE_DOCS: Record<string, Partial<OperationObject>> = {
  'GET /auth/facebook': {
    tags: ['sign-in'],
    summary: "Start a sign-in: 302 to Facebook's dialog",
    description:
      'Stores a one-time 256-bit `state` and a PKCE verifier in the session and redirects to FACEBOOK_DIALOG_URL with `client_id`, `redirect_uri`, `response_type=code`, `scope=email`, `state`, `code_challenge` and `code_challenge_method=S256`.',
    parameters: [
      {
        name: 'returnTo',
        in: 'query',
        required: false,
        description: 'Same-origin path to show after sign-in; anything else becomes `/`.',
        schema: { type: 'string', example: '/settings' },
      },
    ],
    responses: {
      302: redirect(
        "To Facebook's dialog; to `/` when already signed in; to `/login/error?reason=rate_limited` past the rate limit.",
      ),
    },
  },
  'GET /auth/facebook/callback': {
    tags: ['sign-in'],
    summary: "Facebook's redirect back: record the attempt, queue its exchange",
    description:
      'Checks and consumes `state`, records a pending operation owned by this session and queues its code exchange; never calls Facebook. Its query (a code and a state) is never logged.',
    parameters: ['code', 'state', 'error', 'error_reason'].map((name) => ({
      name,
      in: 'query' as const,
      required: false,
      schema: { type: 'string' as const },
    })),
    responses: {
      302: redirect(
        'To `/login/pending` in milliseconds, or to `/login/error?reason=` access_denied, provider_error, invalid_state, invalid_request, unavailable or rate_limited.',
      ),
    },
  },
  'GET /api/auth/operation': {
    tags: ['sign-in'],
    summary: "This browser's latest sign-in attempt",
    description:
      'Once the attempt is `ok` the session is signed in (the worker did it before announcing the ok) and the answer carries `user` and `returnTo`. There is no separate "complete" step.',
    responses: {
      200: json('The attempt.', OperationViewDto),
      404: error('This session has no attempt.'),
      429: RATE_LIMITED,
    },
  },
  'GET /api/auth/operation/events': {
    tags: ['sign-in'],
    summary: 'The live status of the attempt (server-sent events)',
    description:
      'A `text/event-stream`: the current status first, then every change, each as `event: status`, `id: <status>`, `data: <the operation JSON>`. The stream ends after `ok` or `error`. The `ok` event means the session is already signed in: its `user` is who (what `GET /api/me` answers) and `returnTo` where to go, so the browser needs no other request. A reconnect whose `Last-Event-ID` is already final gets 204, which stops EventSource for good.',
    parameters: [
      {
        name: 'Last-Event-ID',
        in: 'header',
        required: false,
        description: "Sent by EventSource on reconnect: the last event's id (a status).",
        schema: { type: 'string', enum: ['pending', 'ok', 'error'] },
      },
    ],
    responses: {
      200: {
        description: 'The stream. Each event is one `OperationStatusEvent`.',
        content: {
          'text/event-stream': {
            schema: { $ref: getSchemaPath(OperationStatusEventDto) },
            example:
              'event: status\nid: pending\ndata: {"id":"q1w2e3r4t5y6u7i8o9p0aA","status":"pending"}\n\nevent: status\nid: ok\ndata: {"id":"q1w2e3r4t5y6u7i8o9p0aA","status":"ok","user":{"id":"Zx8Yw7Vu6Ts5Rq4Po3Nm2L","firstName":"Alice","lastName":"Anderson","email":"alice@example.com"},"returnTo":"/"}\n\n',
          },
        },
      },
      204: {
        description: 'Reconnected after the final status: nothing more will come.',
      },
      404: error('This session has no attempt.'),
      429: RATE_LIMITED,
    },
  },
  'POST /api/auth/logout': {
    tags: ['sign-in'],
    summary: 'End the session on the server and clear the cookie',
    responses: {
      204: { description: 'Logged out.' },
      403: CROSS_SITE,
      429: RATE_LIMITED,
    },
  },
  'GET /api/me': {
    tags: ['account'],
    summary: "The signed-in user's stored profile, and the providers linked to them",
    responses: {
      200: json('The profile and `providers` (e.g. `["facebook", "google"]`).', MeViewDto),
      401: error('Not signed in.'),
    },
  },
  'GET /api/auth/providers': {
    tags: ['sign-in'],
    summary: 'The providers this server offers, for the sign-in buttons',
    responses: {
      200: json('The configured providers, in the order to show them.', SignInProvidersDto),
    },
  },
  'POST /auth/facebook/data-deletion': {
    tags: ['facebook-callbacks'],
    summary: "Facebook's Data Deletion Request callback",
    description:
      'Verifies the `signed_request` (HMAC-SHA256 with the app secret), deletes the profile and its sign-in history, ends its sessions.',
    requestBody: signedRequestBody,
    responses: {
      200: json('Where the person can check the request, and its code.', DataDeletionAnswerDto),
      400: error('Missing or invalid `signed_request`.'),
      429: RATE_LIMITED,
    },
  },
  'GET /auth/facebook/data-deletion/{code}': {
    tags: ['facebook-callbacks'],
    summary: 'The status page of a data deletion request',
    responses: {
      200: {
        description: 'An HTML page.',
        content: { 'text/html': { schema: { type: 'string' } } },
      },
      404: error('No request with this confirmation code.'),
      429: RATE_LIMITED,
    },
  },
  'POST /auth/facebook/deauthorize': {
    tags: ['facebook-callbacks'],
    summary: "Facebook's Deauthorize callback: end the person's sessions",
    requestBody: signedRequestBody,
    responses: {
      200: json('Done; the profile stays until a deletion request.', DeauthorizeAnswerDto),
      400: error('Missing or invalid `signed_request`.'),
      429: RATE_LIMITED,
    },
  },
};

/** Google's routes: documented when Google is configured (GOOGLE_CLIENT_ID), and then they must be mounted. */
export const GOOGLE_ROUTE_DOCS: Record<string, Partial<OperationObject>> = {
  'GET /auth/google': {
    tags: ['sign-in'],
    summary: 'Start a sign-in with Google: 302 to its authorization endpoint (OpenID Connect)',
    description:
      "Reads the issuer's `/.well-known/openid-configuration` (GOOGLE_ISSUER), stores a one-time 256-bit `state`, a `nonce` and a PKCE verifier in the session and redirects with `response_type=code`, `scope=openid email profile`, `state`, `nonce`, `code_challenge` and `code_challenge_method=S256`. The same `returnTo` and `link=1` as `GET /auth/facebook`.",
    parameters: [
      { name: 'returnTo', in: 'query', required: false, schema: { type: 'string', example: '/settings' } },
      {
        name: 'link',
        in: 'query',
        required: false,
        description: '`1` while signed in: link Google to this person instead of going home.',
        schema: { type: 'string', enum: ['1'] },
      },
    ],
    responses: {
      302: redirect(
        "To Google's authorization endpoint; to `/` when already signed in; to `/login/error?reason=provider_unavailable&provider=google` when the issuer cannot be read.",
      ),
    },
  },
  'GET /auth/google/callback': {
    tags: ['sign-in'],
    summary: "Google's redirect back: record the attempt, queue its exchange",
    description:
      'The same contract as `GET /auth/facebook/callback`: the worker redeems the code and verifies the id_token (signature against the JWKS, `iss`, `aud`, `exp`, `nonce`). Its query is never logged.',
    parameters: ['code', 'state', 'error', 'scope', 'authuser', 'prompt'].map((name) => ({
      name,
      in: 'query' as const,
      required: false,
      schema: { type: 'string' as const },
    })),
    responses: {
      302: redirect('To `/login/pending`, or to `/login/error?reason=…&provider=google`.'),
    },
  },
};
