import { facebookError, FacebookErrors, isFacebookErrorBody } from './facebook-errors';
import { GOOGLE_PATH_PREFIX } from './google/google-emulator.constants';
import { GoogleErrors, isGoogleErrorBody } from './google/google-errors';

/** An HTTP status plus the body to send as JSON. */
export interface ErrorAnswer {
  status: number;
  body: object;
}

/** How one provider side answers what no route of its own answered. */
export interface ErrorShape {
  notFound(path: string): ErrorAnswer;
  internal(): ErrorAnswer;
  /** 4xx from the framework (unparsable body or URL, …): never quotes the input. */
  clientError(status: number, message: string): ErrorAnswer;
  /** The host guard's 421. */
  misdirected(message: string): ErrorAnswer;
}

const FACEBOOK_SHAPE: ErrorShape = {
  notFound: (path) => FacebookErrors.unknownPath(path),
  internal: () => FacebookErrors.unexpected(500),
  clientError: (status, message) => facebookError(status, { message, code: 100 }),
  misdirected: (message) => facebookError(421, { message, code: 1 }),
};

const GOOGLE_SHAPE: ErrorShape = {
  notFound: () => GoogleErrors.notFound(),
  internal: () => GoogleErrors.backendError(500),
  clientError: (status, message) => GoogleErrors.clientError(status, message),
  misdirected: (message) => GoogleErrors.misdirected(message),
};

/** Under /google the Google side answers (Express routes case-insensitively, so does this). */
export function isGooglePath(path: string): boolean {
  const lower = path.toLowerCase();
  return lower === GOOGLE_PATH_PREFIX || lower.startsWith(`${GOOGLE_PATH_PREFIX}/`);
}

export function errorShapeFor(path: string): ErrorShape {
  return isGooglePath(path) ? GOOGLE_SHAPE : FACEBOOK_SHAPE;
}

/** A body one of our routes built on purpose (a provider error or a knob error): sent as is. */
export function isEmulatorErrorBody(value: unknown): boolean {
  return isFacebookErrorBody(value) || isGoogleErrorBody(value);
}
