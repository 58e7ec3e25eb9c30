import { randomBytes } from 'node:crypto';

export interface FacebookErrorPayload {
  message: string;
  type: string;
  is_transient?: boolean;
  code: number;
  error_subcode?: number;
  fbtrace_id: string;
}

export interface FacebookErrorBody {
  error: FacebookErrorPayload;
}

/** An HTTP status plus the exact body Facebook would send. */
export interface FacebookErrorResponse {
  status: number;
  body: FacebookErrorBody;
}

export interface FacebookErrorSpec {
  message: string;
  code: number;
  type?: string;
  subcode?: number;
  isTransient?: boolean;
}

/** Facebook trace ids look like `AbC1dEfGh2IjKlMnOpQrS3t`: opaque base64url. */
export function newFbTraceId(): string {
  return randomBytes(17).toString('base64url');
}

export function facebookError(status: number, spec: FacebookErrorSpec): FacebookErrorResponse {
  // Key order mirrors Facebook's own bodies.
  const error: FacebookErrorPayload = {
    message: spec.message,
    type: spec.type ?? 'OAuthException',
    ...(spec.isTransient === undefined ? {} : { is_transient: spec.isTransient }),
    code: spec.code,
    ...(spec.subcode === undefined ? {} : { error_subcode: spec.subcode }),
    fbtrace_id: newFbTraceId(),
  };
  return { status, body: { error } };
}

export function isFacebookErrorBody(value: unknown): value is FacebookErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) {
    return false;
  }
  const error = value.error;
  return typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string';
}

/** The error bodies the emulator can produce, named after what they mean. */
export const FacebookErrors = {
  missingClientId: () => facebookError(400, { message: 'Missing client_id parameter.', code: 101 }),
  invalidApplicationId: () =>
    facebookError(400, {
      message: 'Error validating application. Invalid application ID.',
      code: 101,
    }),
  invalidClientSecret: () => facebookError(400, { message: 'Error validating client secret.', code: 1 }),
  invalidVerificationCode: () =>
    facebookError(400, {
      message: 'Invalid verification code format.',
      code: 100,
    }),
  codeAlreadyUsed: () =>
    facebookError(400, {
      message: 'This authorization code has been used.',
      code: 100,
      subcode: 36009,
    }),
  codeExpired: () =>
    facebookError(400, {
      message: 'This authorization code has expired.',
      code: 100,
      subcode: 36007,
    }),
  redirectUriMismatch: () =>
    facebookError(400, {
      message:
        'Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request',
      code: 100,
      subcode: 36008,
    }),
  invalidCodeVerifier: () => facebookError(400, { message: 'Invalid code verifier.', code: 100 }),
  noActiveAccessToken: () =>
    facebookError(400, {
      message: 'An active access token must be used to query information about the current user.',
      code: 2500,
    }),
  invalidAccessToken: () =>
    facebookError(400, {
      message: 'Invalid OAuth access token - Cannot parse access token',
      code: 190,
    }),
  sessionExpired: () =>
    facebookError(400, {
      message: 'Error validating access token: Session has expired.',
      code: 190,
      subcode: 463,
    }),
  userNotAuthorized: (appId: string) =>
    facebookError(400, {
      message: `Error validating access token: The user has not authorized application ${appId}.`,
      code: 190,
      subcode: 458,
    }),
  appSecretProofRequired: () =>
    facebookError(400, {
      message: 'API calls from the server require an appsecret_proof argument',
      type: 'GraphMethodException',
      code: 100,
    }),
  invalidAppSecretProof: () =>
    facebookError(400, {
      message: 'Invalid appsecret_proof provided in the API argument',
      type: 'GraphMethodException',
      code: 100,
    }),
  invalidAppSecretTime: () =>
    facebookError(400, {
      message: 'Invalid appsecret_time provided in the API argument',
      type: 'GraphMethodException',
      code: 100,
    }),
  nonexistingField: (field: string) =>
    facebookError(400, {
      message: `(#100) Tried accessing nonexisting field (${field}) on node type (User)`,
      code: 100,
    }),
  unexpected: (status = 500) =>
    facebookError(status, {
      message: 'An unexpected error has occurred. Please retry your request later.',
      isTransient: true,
      code: 2,
    }),
  throttled: () =>
    facebookError(400, {
      message: '(#4) Application request limit reached',
      isTransient: true,
      code: 4,
    }),
  unknownPath: (path: string, status = 404) =>
    facebookError(status, {
      message: `Unknown path components: ${path}`,
      code: 2500,
    }),
} as const;
