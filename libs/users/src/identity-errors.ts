/**
 * A first sign-in whose e-mail matches an existing profile: refused, never
 * linked silently. The person signs in the way they did before and links
 * this provider from the signed-in page (reason `identity_not_linked`).
 */
export class IdentityNotLinkedError extends Error {
  readonly reason = 'identity_not_linked';

  constructor(readonly provider: string) {
    super(
      `A first ${provider} sign-in whose e-mail belongs to an existing profile is not linked to it; ` +
        `sign in as before and link ${provider} from the signed-in page`,
    );
    this.name = 'IdentityNotLinkedError';
  }
}

/**
 * Linking refused: the identity belongs to another profile, or the profile
 * already has a different identity at this provider (reason `identity_in_use`).
 */
export class IdentityInUseError extends Error {
  readonly reason = 'identity_in_use';

  constructor(
    readonly provider: string,
    detail = `this ${provider} identity belongs to another profile`,
  ) {
    super(`Cannot link ${provider}: ${detail}`);
    this.name = 'IdentityInUseError';
  }
}
