import { PKCE_CHALLENGE_PATTERN, type PkceMethod } from './emulator-crypto';
import type { EmulatorStateService } from './emulator-state.service';
import type { ResolvedEmulatorApp } from './facebook-emulator.options';
import { appendQuery, type Params } from './request-params';

/** Permissions the dialog knows, with the wording it shows for each. */
export const KNOWN_PERMISSIONS: Readonly<Record<string, string>> = {
  public_profile: 'your public profile',
  email: 'email address',
  openid: 'your identity (OpenID Connect)',
  user_friends: 'friends list',
  user_birthday: 'birthday',
  user_gender: 'gender',
  user_link: 'profile link',
  user_location: 'current city',
  user_hometown: 'hometown',
  user_age_range: 'age range',
  user_photos: 'photos',
  user_posts: 'posts',
  user_likes: 'likes',
  user_videos: 'videos',
};

export interface DialogRequest {
  app: ResolvedEmulatorApp;
  redirectUri: string;
  state?: string;
  /** public_profile first, then the valid requested scopes. */
  grantedScopes: string[];
  /** Requested but unknown: Facebook ignores them for end users. */
  invalidScopes: string[];
  codeChallenge?: string;
  codeChallengeMethod?: PkceMethod;
  /** `auth_type=rerequest`: permissions the person declined before are asked again. */
  rerequest: boolean;
  /** The original parameters (minus the form's own fields), replayed by the forms. */
  params: Params;
}

/** What the consent form itself posts, beside the replayed request: never part of the request. */
export const FORM_FIELDS: ReadonlySet<string> = new Set(['user_id', 'grant', 'edit_access']);

/**
 * The optional permissions the dialog asks this person for, each a checkbox
 * ("Edit access"): public_profile is always granted, and without
 * `auth_type=rerequest` Facebook does not ask again for what they declined before.
 */
export function permissionsToAsk(request: DialogRequest, declinedBefore: readonly string[]): string[] {
  return request.grantedScopes.filter(
    (scope) => scope !== 'public_profile' && (request.rerequest || !declinedBefore.includes(scope)),
  );
}

export interface DialogRejection {
  status: number;
  title: string;
  message: string;
}

export type DialogParseResult = { ok: true; request: DialogRequest } | { ok: false; rejection: DialogRejection };

/**
 * Validates dialog parameters from scratch on every step (show, confirm,
 * cancel): the dialog keeps no server-side state, like Facebook's.
 */
export function parseDialogRequest(input: Params, state: EmulatorStateService): DialogParseResult {
  const params: Params = Object.fromEntries(Object.entries(input).filter(([key]) => !FORM_FIELDS.has(key)));
  const clientId = params.client_id;
  if (!clientId) {
    return reject('Invalid App ID', 'The parameter app_id is required');
  }
  const app = state.getApp(clientId);
  if (!app) {
    return reject('Invalid App ID', 'The provided app ID does not look like a valid app ID.');
  }
  const redirectUri = params.redirect_uri;
  if (!redirectUri || !state.isRedirectUriRegistered(app.appId, redirectUri)) {
    return reject(
      'URL blocked',
      "This redirect failed because the redirect URI is not whitelisted in the app's Client OAuth Settings. Make sure Client and Web OAuth Login are on and add all your app domains as Valid OAuth Redirect URIs.",
    );
  }
  const responseType = params.response_type ?? 'code';
  if (responseType !== 'code') {
    return reject(
      'Unsupported response_type',
      `The Facebook emulator only supports response_type=code (got "${responseType}").`,
    );
  }

  const codeChallenge = params.code_challenge || undefined;
  const method = params.code_challenge_method || undefined;
  if (method !== undefined && method !== 'S256' && method !== 'plain') {
    return reject('Invalid code_challenge_method', 'code_challenge_method must be S256 or plain.');
  }
  if (method !== undefined && codeChallenge === undefined) {
    return reject('Missing code_challenge', 'code_challenge_method was given without code_challenge.');
  }
  if (codeChallenge !== undefined && !PKCE_CHALLENGE_PATTERN.test(codeChallenge)) {
    return reject(
      'Invalid code_challenge',
      'code_challenge must be 43 to 128 characters of A-Z, a-z, 0-9, "-", ".", "_" or "~".',
    );
  }

  const requested = [...new Set((params.scope ?? '').split(/[\s,]+/).filter((scope) => scope.length > 0))];
  const grantedScopes = ['public_profile'];
  const invalidScopes: string[] = [];
  for (const scope of requested) {
    if (!(scope in KNOWN_PERMISSIONS)) invalidScopes.push(scope);
    else if (!grantedScopes.includes(scope)) grantedScopes.push(scope);
  }

  return {
    ok: true,
    request: {
      app,
      redirectUri,
      state: params.state || undefined,
      grantedScopes,
      invalidScopes,
      codeChallenge,
      codeChallengeMethod: codeChallenge ? (method ?? 'plain') : undefined,
      rerequest: params.auth_type === 'rerequest',
      params,
    },
  };
}

/** `redirect_uri?extra&...#_=_`, keeping the registered URI's own query as is. */
export function buildRedirect(redirectUri: string, extra: Params): string {
  // Facebook appends this fragment to every dialog redirect.
  return `${appendQuery(redirectUri, extra)}#_=_`;
}

function reject(title: string, message: string, status = 400): DialogParseResult {
  return { ok: false, rejection: { status, title, message } };
}
