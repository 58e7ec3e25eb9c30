/**
 * A person as a provider vouches for them: the identity (provider, subject)
 * and the profile fields the provider gave this time.
 */
export interface ProviderIdentity {
  /** The provider's lower-case id: 'facebook', 'google', … */
  provider: string;
  /** The provider's stable id of the person: Facebook's app-scoped id, an OIDC `sub`. */
  subject: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  /**
   * What the person declined on the provider's dialog this time (`['email']`), `[]` for nothing;
   * absent when the provider does not say (the stored list is then kept).
   */
  declinedPermissions?: readonly string[];
  /** What the person granted this time (`['public_profile', 'email']`); absent when the provider does not say. */
  grantedPermissions?: readonly string[];
  /** The provider's profile picture URL; null or absent for none. Facebook's follows each sign-in. */
  pictureUrl?: string | null;
}

/** The provider whose identity is the article's `user_profile.facebook_id`, not a `user_identity` row. */
export const FACEBOOK_PROVIDER = 'facebook';

/** Column sizes of `user_identity` (OIDC: a `sub` is at most 255 ASCII characters). */
export const IDENTITY_LIMITS = {
  provider: 32,
  subject: 255,
} as const;

/** As many as `user_profile.facebook_id` holds (USER_PROFILE_LIMITS.facebookId). */
const FACEBOOK_SUBJECT_LENGTH = 64;
const PROVIDER_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;
/** Printable ASCII without spaces: the subject column is ASCII, and a padded id is a bug upstream. */
const SUBJECT_PATTERN = /^[\x21-\x7e]+$/;

/**
 * Throws unless the identity fits its columns: a lower-case provider id and a
 * printable-ASCII subject of at most 255 characters (64 for Facebook). A
 * provider's answer that breaks this is a bug in its exchange, not a person
 * to sign in.
 */
export function assertValidIdentity(identity: Pick<ProviderIdentity, 'provider' | 'subject'>): void {
  const { provider, subject } = identity;
  if (typeof provider !== 'string' || !PROVIDER_PATTERN.test(provider)) {
    throw new Error(`Invalid provider id ${JSON.stringify(provider)}: lower-case letters, digits and '-', at most 32`);
  }
  const maxLength = provider === FACEBOOK_PROVIDER ? FACEBOOK_SUBJECT_LENGTH : IDENTITY_LIMITS.subject;
  if (typeof subject !== 'string' || !SUBJECT_PATTERN.test(subject) || subject.length > maxLength) {
    throw new Error(`Invalid ${provider} subject: 1 to ${maxLength} printable ASCII characters without spaces`);
  }
}

/**
 * The e-mail to look for in other profiles, or null when there is nothing to
 * match (no e-mail, or a blank one: blanks would "match" each other).
 */
export function matchableEmail(email: string | null | undefined): string | null {
  return typeof email === 'string' && email.trim() !== '' ? email : null;
}

/** 'facebook' first (the article's provider), then the others by id; each once. */
export function orderProviders(providers: Iterable<string>): string[] {
  const others = new Set(providers);
  const facebook = others.delete(FACEBOOK_PROVIDER);
  const sorted = [...others].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return facebook ? [FACEBOOK_PROVIDER, ...sorted] : sorted;
}

/** What linking an identity to a profile comes to, given the identity rows that bear on it. */
export type LinkDecision = 'already-linked' | 'owned-by-another' | 'profile-has-another' | 'link';

/**
 * `rows`: the identity's row if it exists, and the profile's rows at the
 * same provider. Linking the same identity again changes nothing; an
 * identity of another profile, or a second identity of one provider on a
 * profile, is refused.
 */
export function linkDecision(
  rows: ReadonlyArray<{ userProfileId: number; subject: string }>,
  linkTo: number,
  subject: string,
): LinkDecision {
  const owner = rows.find((row) => row.subject === subject);
  if (owner) return owner.userProfileId === linkTo ? 'already-linked' : 'owned-by-another';
  return rows.some((row) => row.userProfileId === linkTo) ? 'profile-has-another' : 'link';
}
