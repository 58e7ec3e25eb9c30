// Generated from docs/openapi.json by `npm run openapi:generate`: do not edit.
// The API's controllers (their @nestjs/swagger decorators) are the source;
// `npm run openapi:check` (part of `npm run lint`) fails when this file drifts.

export interface paths {
  '/auth/facebook': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Start a sign-in: 302 to Facebook's dialog
     * @description Stores a one-time 256-bit `state` and a PKCE verifier in the session and redirects to Facebook's dialog (`FACEBOOK_WEB_URL/FACEBOOK_GRAPH_VERSION/dialog/oauth`) with `client_id`, `redirect_uri`, `response_type=code`, `scope` (`email` and the host's extraScope, comma-separated), `state`, `code_challenge` and `code_challenge_method=S256`; with `rerequest`, `auth_type=rerequest` and `scope` the permissions named. A signed-out start gets a new session id; with `link=1` or `rerequest` a signed-in session keeps its id until the callback renews it.
     */
    get: operations['FacebookAuthController_start'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/auth/facebook/callback': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Facebook's redirect back: record the attempt, queue its exchange
     * @description Checks and consumes `state`, records a pending operation owned by this session and queues its code exchange; never calls Facebook. Its query (a code and a state) is never logged.
     */
    get: operations['FacebookAuthController_callback'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/auth/facebook/data-deletion': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Facebook's Data Deletion Request callback
     * @description Verifies the `signed_request` (HMAC-SHA256 with the app secret), deletes the profile and its sign-in history, ends its sessions.
     */
    post: operations['FacebookPlatformController_dataDeletion'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/auth/facebook/data-deletion/{code}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The status page of a data deletion request */
    get: operations['FacebookPlatformController_deletionStatus'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/auth/facebook/deauthorize': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Facebook's Deauthorize callback: end the person's sessions */
    post: operations['FacebookPlatformController_deauthorize'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/auth/google': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Start a sign-in with Google: 302 to its authorization endpoint (OpenID Connect)
     * @description Reads the issuer's `/.well-known/openid-configuration` (GOOGLE_ISSUER), stores a one-time 256-bit `state`, a `nonce` and a PKCE verifier in the session and redirects with `response_type=code`, `scope=openid email profile`, `state`, `nonce`, `code_challenge` and `code_challenge_method=S256`.
     */
    get: operations['GoogleAuthController_begin'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/auth/google/callback': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Google's redirect back: record the attempt, queue its exchange
     * @description The same contract as `GET /auth/facebook/callback`: the worker redeems the code and verifies the id_token (signature against the JWKS, `iss`, `aud`, `exp`, `nonce`). Its query is never logged.
     */
    get: operations['GoogleAuthController_callback'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/me/sign-ins': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The signed-in user's recent sign-ins
     * @description The last 10 attempts of this user, newest first: those that signed them in, and the failed ones made in the same browser session as one of their sign-ins.
     */
    get: operations['SignInHistoryController_signIns'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/admin/operations': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Recent login attempts, newest first, filterable by status and reason */
    get: operations['AdminOperationsController_search'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/auth/operation': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * This browser's latest sign-in attempt
     * @description Once the attempt is `ok` the session is signed in (the worker did it before announcing the ok) and the answer carries `user` and `returnTo`. There is no separate "complete" step.
     */
    get: operations['AuthApiController_operation'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/auth/operation/events': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The live status of the attempt (server-sent events)
     * @description A `text/event-stream`: the current status first, then every change, each as `event: status`, `id: <status>`, `data: <the operation JSON>`. The stream ends after `ok` or `error`. The `ok` event means the session is already signed in: its `user` is who (what `GET /api/me` answers) and `returnTo` where to go, so the browser needs no other request. A reconnect whose `Last-Event-ID` is already final gets 204, which stops EventSource for good. When the server shuts down, an open stream gets one `event: reconnect` with a `retry:` hint and ends, so EventSource comes back to an instance that is up.
     */
    get: operations['AuthApiController_events'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/auth/logout': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** End the session on the server and clear the cookie */
    post: operations['AuthApiController_logout'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/me': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The signed-in user's stored profile, and the providers linked to them */
    get: operations['MeController_me'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/auth/providers': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The providers this server offers, for the sign-in buttons */
    get: operations['SignInProvidersController_list'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/health/live': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Liveness: the process answers */
    get: operations['HealthController_live'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/health/ready': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Readiness: MySQL, Redis and the Bull queue answer (503 with the report while one does not) */
    get: operations['HealthController_ready'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/metrics': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * This API instance's Prometheus metrics
     * @description Off with METRICS_ENABLED=false (404); with METRICS_TOKEN set, only `Authorization: Bearer <METRICS_TOKEN>`; in production without METRICS_TOKEN, 403.
     */
    get: operations['MetricsController_scrape'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: {
    HttpErrorDto: {
      /** @example 404 */
      statusCode: number;
      /** @example No sign-in in progress */
      message: string | string[];
      /** @example Not Found */
      error?: string;
    };
    SignedRequestFormDto: {
      /** @description `<base64url HMAC-SHA256 signature>.<base64url JSON payload>`, signed with the app secret. */
      signed_request: string;
    };
    DataDeletionAnswerDto: {
      /**
       * @description Where the person can check the status of the request.
       * @example https://login.example.com/auth/facebook/data-deletion/Ab3dEf6hIj9kLm2nOp5qRs
       */
      url: string;
      /** @example Ab3dEf6hIj9kLm2nOp5qRs */
      confirmation_code: string;
    };
    DeauthorizeAnswerDto: {
      /** @enum {boolean} */
      ok: true;
    };
    SignInDto: {
      /**
       * @description The attempt's public id.
       * @example q1w2e3r4t5y6u7i8o9p0aA
       */
      id: string;
      /**
       * Format: date-time
       * @description When the attempt began (the OAuth callback).
       */
      at: string;
      /** @enum {string} */
      status: 'pending' | 'ok' | 'error';
      /**
       * @description Only for failures: the reason code, a `ReasonCode`, or, for older attempts, a code from before the providers shared them.
       * @example provider_unavailable
       */
      reason?: string;
      /**
       * @description Only for failures: the server's sentence for it.
       * @example Google is not answering right now.
       */
      reasonMessage?: string;
      /** @description The browser, as it announced itself (first 512 characters). */
      userAgent: string | null;
      /**
       * @description The client's address, as the API saw it (TRUST_PROXY decides).
       * @example 203.0.113.7
       */
      clientIp: string | null;
    };
    SignInHistoryDto: {
      /** @description Newest first, at most 10. */
      signIns: components['schemas']['SignInDto'][];
    };
    /**
     * @description Why a sign-in ended without a user (`/login/error?reason=`, an operation's `error.code`): the list the server and the SPA share (libs/auth/src/contract/reason-codes.ts).
     * @enum {string}
     */
    ReasonCode:
      | 'access_denied'
      | 'provider_error'
      | 'invalid_state'
      | 'invalid_request'
      | 'code_rejected'
      | 'provider_timeout'
      | 'provider_unavailable'
      | 'provider_bad_response'
      | 'identity_not_linked'
      | 'identity_in_use'
      | 'rate_limited'
      | 'unavailable'
      | 'internal'
      | 'timeout';
    OperationRecordDto: {
      /**
       * @description The attempt's public id.
       * @example q1w2e3r4t5y6u7i8o9p0aA
       */
      id: string;
      /**
       * Format: date-time
       * @description When the attempt began (the OAuth callback).
       */
      at: string;
      /** @enum {string} */
      status: 'pending' | 'ok' | 'error';
      /**
       * @description Only for failures: the reason code, a `ReasonCode`, or, for older attempts, a code from before the providers shared them.
       * @example provider_unavailable
       */
      reason?: string;
      /**
       * @description Only for failures: the server's sentence for it.
       * @example Google is not answering right now.
       */
      reasonMessage?: string;
      /** @description The browser, as it announced itself (first 512 characters). */
      userAgent: string | null;
      /**
       * @description The client's address, as the API saw it (TRUST_PROXY decides).
       * @example 203.0.113.7
       */
      clientIp: string | null;
      /** Format: date-time */
      finishedAt: string | null;
      /** @description How many times a worker started the exchange. */
      attempts: number;
      /** @description Public id of the user it belongs to (its sign-in, or a linked failure). */
      userId: string | null;
    };
    OperationRecordsDto: {
      /** @description Newest first. */
      operations: components['schemas']['OperationRecordDto'][];
    };
    OperationErrorDto: {
      /**
       * @description Machine-readable reason; the SPA explains each in words.
       * @example code_rejected
       */
      code: components['schemas']['ReasonCode'];
      /** @example Google said this sign-in has expired or was already used. */
      message: string;
    };
    UserViewDto: {
      /**
       * @description The user's public id (never a provider's id).
       * @example Zx8Yw7Vu6Ts5Rq4Po3Nm2L
       */
      id: string;
      /** @example Alice */
      firstName: string | null;
      /** @example Anderson */
      lastName: string | null;
      /**
       * @description Null when the provider gave none: see `declined` for whether the person declined to share it.
       * @example alice@example.com
       */
      email: string | null;
      /**
       * @description Permissions the person declined on the provider's dialog at their last Facebook sign-in; `["email"]`: they did not share their e-mail (`GET /auth/facebook?rerequest=email` asks again). Empty when none.
       * @example []
       */
      declined: string[];
      /**
       * @description The provider's profile picture (an absolute URL on the provider's image host), or null.
       * @example https://platform-lookaside.fbsbx.com/platform/profilepic/?asid=10000000000000001&height=200&width=200
       */
      pictureUrl: string | null;
    };
    OperationViewDto: {
      /**
       * @description The attempt's public id (128 random bits, base64url).
       * @example q1w2e3r4t5y6u7i8o9p0aA
       */
      id: string;
      /** @enum {string} */
      status: 'pending' | 'ok' | 'error';
      /** @description Only when status is error. */
      error?: components['schemas']['OperationErrorDto'];
      /** @description Only when status is ok: the session is already signed in, as this user (what `GET /api/me` answers). Absent only if the server could not confirm the sign-in just then: ask `GET /api/me`. */
      user?: components['schemas']['UserViewDto'];
      /**
       * @description Only when status is ok: the same-origin path to show next (from `/auth/<provider>?returnTo=`), else `/`.
       * @example /
       */
      returnTo?: string;
    };
    OperationStatusEventDto: {
      /**
       * @description The SSE `event:` field.
       * @enum {string}
       */
      event: 'status';
      /**
       * @description The SSE `id:` field: the status, so a reconnect after the end gets 204.
       * @enum {string}
       */
      id: 'pending' | 'ok' | 'error';
      /** @description The SSE `data:` field, one line of JSON. */
      data: components['schemas']['OperationViewDto'];
    };
    MeViewDto: {
      /**
       * @description The user's public id (never a provider's id).
       * @example Zx8Yw7Vu6Ts5Rq4Po3Nm2L
       */
      id: string;
      /** @example Alice */
      firstName: string | null;
      /** @example Anderson */
      lastName: string | null;
      /**
       * @description Null when the provider gave none: see `declined` for whether the person declined to share it.
       * @example alice@example.com
       */
      email: string | null;
      /**
       * @description Permissions the person declined on the provider's dialog at their last Facebook sign-in; `["email"]`: they did not share their e-mail (`GET /auth/facebook?rerequest=email` asks again). Empty when none.
       * @example []
       */
      declined: string[];
      /**
       * @description The provider's profile picture (an absolute URL on the provider's image host), or null.
       * @example https://platform-lookaside.fbsbx.com/platform/profilepic/?asid=10000000000000001&height=200&width=200
       */
      pictureUrl: string | null;
      /**
       * @description The providers linked to this person.
       * @example [
       *       "facebook",
       *       "google"
       *     ]
       */
      providers: string[];
    };
    SignInProviderDto: {
      /**
       * @description Its id: its routes are `/auth/<id>` and `/auth/<id>/callback`.
       * @example google
       */
      id: string;
      /**
       * @description Its name as people read it.
       * @example Google
       */
      name: string;
    };
    SignInProvidersDto: {
      providers: components['schemas']['SignInProviderDto'][];
    };
  };
  responses: never;
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
  FacebookAuthController_start: {
    parameters: {
      query?: {
        /** @description Comma-separated permissions the person declined (`email`; those of the host's extraScope) to ask for again: Facebook's dialog with `auth_type=rerequest`, signed in or not. Not beside `link=1`; an unknown or repeated one is the error page (`invalid_request`). */
        rerequest?: string;
        /** @description Same-origin path to show after sign-in; anything else becomes `/`. Without it, `/` (never an earlier sign-in's). */
        returnTo?: string;
        /** @description `1` while signed in: link this provider to the signed-in person instead of going home. */
        link?: '1';
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description To Facebook's dialog; to `/` when already signed in (unless `link=1` or `rerequest`); to `/login/error?reason=rate_limited` past the rate limit, `?reason=invalid_request` for a bad `rerequest`. */
      302: {
        headers: {
          /** @description Where the browser goes next. */
          Location?: string;
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  FacebookAuthController_callback: {
    parameters: {
      query?: {
        code?: string;
        state?: string;
        error?: string;
        error_reason?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description To `/login/pending` in milliseconds, or to `/login/error?reason=` access_denied, provider_error, invalid_state, invalid_request, unavailable or rate_limited. */
      302: {
        headers: {
          /** @description Where the browser goes next. */
          Location?: string;
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  FacebookPlatformController_dataDeletion: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/x-www-form-urlencoded': components['schemas']['SignedRequestFormDto'];
      };
    };
    responses: {
      /** @description Where the person can check the request, and its code. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['DataDeletionAnswerDto'];
        };
      };
      /** @description Missing or invalid `signed_request`. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['HttpErrorDto'];
        };
      };
      /** @description Past the rate limit (RATE_LIMIT_MAX per RATE_LIMIT_WINDOW_MS); `Retry-After` says when to try again. */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['HttpErrorDto'];
        };
      };
    };
  };
  FacebookPlatformController_deletionStatus: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The confirmation code of the request. */
        code: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description An HTML page. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'text/html': string;
        };
      };
      /** @description No request with this confirmation code. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['HttpErrorDto'];
        };
      };
      /** @description Past the rate limit (RATE_LIMIT_MAX per RATE_LIMIT_WINDOW_MS); `Retry-After` says when to try again. */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['HttpErrorDto'];
        };
      };
    };
  };
  FacebookPlatformController_deauthorize: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/x-www-form-urlencoded': components['schemas']['SignedRequestFormDto'];
      };
    };
    responses: {
      /** @description Done; the profile stays until a deletion request. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['DeauthorizeAnswerDto'];
        };
      };
      /** @description Missing or invalid `signed_request`. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['HttpErrorDto'];
        };
      };
      /** @description Past the rate limit (RATE_LIMIT_MAX per RATE_LIMIT_WINDOW_MS); `Retry-After` says when to try again. */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['HttpErrorDto'];
        };
      };
    };
  };
  GoogleAuthController_begin: {
    parameters: {
      query?: {
        /** @description Same-origin path to show after sign-in; anything else becomes `/`. Without it, `/` (never an earlier sign-in's). */
        returnTo?: string;
        /** @description `1` while signed in: link this provider to the signed-in person instead of going home. */
        link?: '1';
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description To Google's authorization endpoint; to `/` when already signed in (unless `link=1`); to `/login/error?reason=provider_unavailable&provider=google` when the issuer cannot be read. */
      302: {
        headers: {
          /** @description Where the browser goes next. */
          Location?: string;
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  GoogleAuthController_callback: {
    parameters: {
      query?: {
        code?: string;
        state?: string;
        error?: string;
        scope?: string;
        authuser?: string;
        prompt?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description To `/login/pending`, or to `/login/error?reason=…&provider=google`. */
      302: {
        headers: {
          /** @description Where the browser goes next. */
          Location?: string;
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  SignInHistoryController_signIns: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Newest first. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SignInHistoryDto'];
        };
      };
      /** @description Not signed in. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['HttpErrorDto'];
        };
      };
    };
  };
  AdminOperationsController_search: {
    parameters: {
      query?: {
        limit?: number;
        reason?: components['schemas']['ReasonCode'];
        status?: 'pending' | 'ok' | 'error';
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The matching attempts, newest first. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['OperationRecordsDto'];
        };
      };
      /** @description A filter it cannot read. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['HttpErrorDto'];
        };
      };
      /** @description No or wrong admin credentials (with `WWW-Authenticate: Basic`). */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['HttpErrorDto'];
        };
      };
    };
  };
  AuthApiController_operation: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The attempt. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['OperationViewDto'];
        };
      };
      /** @description This session has no attempt. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['HttpErrorDto'];
        };
      };
      /** @description Past the rate limit (RATE_LIMIT_MAX per RATE_LIMIT_WINDOW_MS); `Retry-After` says when to try again. */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['HttpErrorDto'];
        };
      };
    };
  };
  AuthApiController_events: {
    parameters: {
      query?: never;
      header?: {
        /** @description Sent by EventSource on reconnect: the last event's id (a status). */
        'Last-Event-ID'?: 'pending' | 'ok' | 'error';
      };
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The stream. Each event is one `OperationStatusEvent`. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example event: status
           *     id: pending
           *     data: {"id":"q1w2e3r4t5y6u7i8o9p0aA","status":"pending"}
           *
           *     event: status
           *     id: ok
           *     data: {"id":"q1w2e3r4t5y6u7i8o9p0aA","status":"ok","user":{"id":"Zx8Yw7Vu6Ts5Rq4Po3Nm2L","firstName":"Alice","lastName":"Anderson","email":"alice@example.com","declined":[],"pictureUrl":null},"returnTo":"/"}
           */
          'text/event-stream': components['schemas']['OperationStatusEventDto'];
        };
      };
      /** @description Reconnected after the final status: nothing more will come. */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description This session has no attempt. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['HttpErrorDto'];
        };
      };
      /** @description Past the rate limit (RATE_LIMIT_MAX per RATE_LIMIT_WINDOW_MS); `Retry-After` says when to try again. */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['HttpErrorDto'];
        };
      };
    };
  };
  AuthApiController_logout: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Logged out. */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description A cross-site request (`Origin` / `Sec-Fetch-Site` not this origin). */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['HttpErrorDto'];
        };
      };
      /** @description Past the rate limit (RATE_LIMIT_MAX per RATE_LIMIT_WINDOW_MS); `Retry-After` says when to try again. */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['HttpErrorDto'];
        };
      };
    };
  };
  MeController_me: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The profile and `providers`, the ids of the linked providers. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['MeViewDto'];
        };
      };
      /** @description Not signed in. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['HttpErrorDto'];
        };
      };
    };
  };
  SignInProvidersController_list: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The configured providers, in the order to show them. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SignInProvidersDto'];
        };
      };
    };
  };
  HealthController_live: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The Health Check is successful */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @example ok */
            status?: string;
            /**
             * @example {
             *       "database": {
             *         "status": "up"
             *       }
             *     }
             */
            info?: {
              [key: string]: {
                status: string;
              } & {
                [key: string]: unknown;
              };
            } | null;
            /** @example {} */
            error?: {
              [key: string]: {
                status: string;
              } & {
                [key: string]: unknown;
              };
            } | null;
            /**
             * @example {
             *       "database": {
             *         "status": "up"
             *       }
             *     }
             */
            details?: {
              [key: string]: {
                status: string;
              } & {
                [key: string]: unknown;
              };
            };
          };
        };
      };
      /** @description The Health Check is not successful */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @example error */
            status?: string;
            /**
             * @example {
             *       "database": {
             *         "status": "up"
             *       }
             *     }
             */
            info?: {
              [key: string]: {
                status: string;
              } & {
                [key: string]: unknown;
              };
            } | null;
            /**
             * @example {
             *       "redis": {
             *         "status": "down",
             *         "message": "Could not connect"
             *       }
             *     }
             */
            error?: {
              [key: string]: {
                status: string;
              } & {
                [key: string]: unknown;
              };
            } | null;
            /**
             * @example {
             *       "database": {
             *         "status": "up"
             *       },
             *       "redis": {
             *         "status": "down",
             *         "message": "Could not connect"
             *       }
             *     }
             */
            details?: {
              [key: string]: {
                status: string;
              } & {
                [key: string]: unknown;
              };
            };
          };
        };
      };
    };
  };
  HealthController_ready: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The Health Check is successful */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @example ok */
            status?: string;
            /**
             * @example {
             *       "database": {
             *         "status": "up"
             *       }
             *     }
             */
            info?: {
              [key: string]: {
                status: string;
              } & {
                [key: string]: unknown;
              };
            } | null;
            /** @example {} */
            error?: {
              [key: string]: {
                status: string;
              } & {
                [key: string]: unknown;
              };
            } | null;
            /**
             * @example {
             *       "database": {
             *         "status": "up"
             *       }
             *     }
             */
            details?: {
              [key: string]: {
                status: string;
              } & {
                [key: string]: unknown;
              };
            };
          };
        };
      };
      /** @description The Health Check is not successful */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @example error */
            status?: string;
            /**
             * @example {
             *       "database": {
             *         "status": "up"
             *       }
             *     }
             */
            info?: {
              [key: string]: {
                status: string;
              } & {
                [key: string]: unknown;
              };
            } | null;
            /**
             * @example {
             *       "redis": {
             *         "status": "down",
             *         "message": "Could not connect"
             *       }
             *     }
             */
            error?: {
              [key: string]: {
                status: string;
              } & {
                [key: string]: unknown;
              };
            } | null;
            /**
             * @example {
             *       "database": {
             *         "status": "up"
             *       },
             *       "redis": {
             *         "status": "down",
             *         "message": "Could not connect"
             *       }
             *     }
             */
            details?: {
              [key: string]: {
                status: string;
              } & {
                [key: string]: unknown;
              };
            };
          };
        };
      };
    };
  };
  MetricsController_scrape: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Prometheus text exposition format 0.0.4. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'text/plain': string;
        };
      };
      /** @description METRICS_TOKEN is set and the bearer token is missing or wrong. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'text/plain': components['schemas']['HttpErrorDto'];
        };
      };
      /** @description NODE_ENV=production and METRICS_TOKEN is not set. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'text/plain': components['schemas']['HttpErrorDto'];
        };
      };
      /** @description METRICS_ENABLED=false. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'text/plain': components['schemas']['HttpErrorDto'];
        };
      };
    };
  };
}
