import type { ExchangedIdentity } from '@app/auth';
import { USER_PROFILE_LIMITS } from '@app/users';
import type { Member } from './member.entity';

/** What a host asks each provider for, so that MemberMapper has something to map (docs/EXTENDING.md). */
export const MEMBER_FACEBOOK_SCOPE = ['user_birthday'] as const;
export const MEMBER_FACEBOOK_FIELDS = ['name', 'birthday'] as const;
export const MEMBER_GOOGLE_CLAIMS = ['name'] as const;

export type MemberFields = Partial<Pick<Member, 'displayName' | 'birthday'>>;

/**
 * Facebook's `birthday` as a date: Facebook answers `MM/DD/YYYY`, or `MM/DD`
 * or `YYYY` alone when the person shares only part of it; only a full, real
 * date is kept.
 */
export function facebookBirthday(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const match = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(value);
  if (!match) return null;
  const [, month, day, year] = match;
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  // 02/30/1990 rolls over to March: not a date.
  if (date.getUTCMonth() !== Number(month) - 1 || date.getUTCDate() !== Number(day)) return null;
  return `${year}-${month}-${day}`;
}

/**
 * The member's columns this sign-in has something to say about: only the
 * fields the provider answered (a permission the person declined leaves its
 * column as it was). Provider by provider, since each names things its way.
 */
export function memberFieldsOf(identity: Pick<ExchangedIdentity, 'provider' | 'extra'>): MemberFields {
  const extra = identity.extra ?? {};
  const fields: MemberFields = {};
  if (typeof extra.name === 'string' && extra.name.trim() !== '') {
    fields.displayName = extra.name.trim().slice(0, USER_PROFILE_LIMITS.name);
  }
  if (identity.provider === 'facebook' && 'birthday' in extra) {
    fields.birthday = facebookBirthday(extra.birthday);
  }
  return fields;
}
