import { PKCE_CHALLENGE_PATTERN } from '../emulator-crypto';
import type { Params } from '../request-params';
import { GOOGLE_SCOPE_URIS, GOOGLE_SCOPES, type GoogleScope } from './google-emulator.constants';
import type { ResolvedGoogleClient } from './google-emulator.options';
import type { GoogleEmulatorStateService } from './google-emulator-state.service';

/** The form field carrying the chosen account; never replayed. */
export const ACCOUNT_FIELD = 'sub';

export interface GoogleAuthorizationRequest {
  client: ResolvedGoogleClient;
  redirectUri: string;
  state: string;
  nonce: string;
  /** Short names, openid first. */
  scopes: GoogleScope[];
  codeChallenge: string;
  /** The original parameters (minus the account), replayed by the forms. */
  params: Params;
}

/** Google's "Error 400: redirect_uri_mismatch" page: shown, never redirected. */
export interface GoogleAuthorizationRejection {
  status: number;
  /** Google's error code, e.g. redirect_uri_mismatch. */
  error: string;
  message: string;
}

export type GoogleAuthorizationParseResult =
  { ok: true; request: GoogleAuthorizationRequest } | { ok: false; rejection: GoogleAuthorizationRejection };

const SCOPE_BY_NAME: ReadonlyMap<string, GoogleScope> = new Map(
  GOOGLE_SCOPES.flatMap((scope) => [
    [scope, scope],
    [GOOGLE_SCOPE_URIS[scope], scope],
  ]),
);

/**
 * Validates the authorization request from scratch on every step (show,
 * choose, cancel): the chooser keeps no server-side state. Stricter than
 * Google where the client under test must be: state, nonce and S256 PKCE
 * are required. Every problem is a page, never a redirect, so nothing is
 * ever sent to a redirect URI that is not registered.
 */
export function parseGoogleAuthorizationRequest(
  input: Params,
  state: GoogleEmulatorStateService,
): GoogleAuthorizationParseResult {
  const params: Params = Object.fromEntries(Object.entries(input).filter(([key]) => key !== ACCOUNT_FIELD));
  if (!params.client_id) return missing('client_id');
  const client = state.getClient(params.client_id);
  if (!client) {
    return reject('invalid_client', 'The OAuth client was not found.', 401);
  }
  const redirectUri = params.redirect_uri;
  if (!redirectUri) return missing('redirect_uri');
  if (!state.isRedirectUriRegistered(client.clientId, redirectUri)) {
    return reject(
      'redirect_uri_mismatch',
      `You can't sign in to this app because it doesn't comply with Google's OAuth 2.0 policy. If you're the app developer, register the redirect URI in the Google Cloud Console. Request details: redirect_uri=${redirectUri}`,
    );
  }

  if (!params.response_type) return missing('response_type');
  if (params.response_type !== 'code') {
    return reject(
      'unsupported_response_type',
      `The Google emulator only supports response_type=code (got "${params.response_type}").`,
    );
  }
  if (params.response_mode !== undefined && params.response_mode !== 'query') {
    return reject('invalid_request', 'The Google emulator only supports response_mode=query.');
  }

  if (!params.scope) return missing('scope');
  const scopes = new Set<GoogleScope>();
  const invalid: string[] = [];
  for (const name of params.scope.split(/\s+/).filter(Boolean)) {
    const scope = SCOPE_BY_NAME.get(name);
    if (scope) scopes.add(scope);
    else invalid.push(name);
  }
  if (invalid.length > 0) {
    return reject('invalid_scope', `Some requested scopes were invalid. {invalid=[${invalid.join(', ')}]}`);
  }
  if (!scopes.has('openid')) {
    return reject(
      'invalid_scope',
      'This OpenID Connect provider needs the openid scope: the sign-in reads the id_token.',
    );
  }

  if (!params.state) return missing('state');
  if (!params.nonce) return missing('nonce');
  if (!params.code_challenge) return missing('code_challenge');
  if (params.code_challenge_method !== 'S256') {
    return reject('invalid_request', 'code_challenge_method must be S256 (PKCE with plain is not accepted).');
  }
  if (!PKCE_CHALLENGE_PATTERN.test(params.code_challenge)) {
    return reject(
      'invalid_request',
      'code_challenge must be 43 to 128 characters of A-Z, a-z, 0-9, "-", ".", "_" or "~".',
    );
  }

  return {
    ok: true,
    request: {
      client,
      redirectUri,
      state: params.state,
      nonce: params.nonce,
      scopes: GOOGLE_SCOPES.filter((scope) => scopes.has(scope)),
      codeChallenge: params.code_challenge,
      params,
    },
  };
}

function missing(name: string): GoogleAuthorizationParseResult {
  return reject('invalid_request', `Missing required parameter: ${name}`);
}

function reject(error: string, message: string, status = 400): GoogleAuthorizationParseResult {
  return { ok: false, rejection: { status, error, message } };
}
