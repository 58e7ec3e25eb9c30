import { z } from 'zod';
import { httpUrlSchema } from '../http-url';

/** A Google account that can sign in through the emulated account chooser. */
export interface GoogleEmulatorUser {
  /** Google's subject: a decimal string, stable per account. */
  sub: string;
  email: string;
  /** Default true. */
  email_verified?: boolean;
  given_name: string;
  /** Google accounts may have none: the claim is then absent. */
  family_name?: string | null;
  /** Default: given_name and family_name. */
  name?: string;
  picture?: string | null;
}

/** What the knob API and `listUsers()` return: the defaults filled in. */
export interface GoogleEmulatorUserView {
  sub: string;
  name: string;
  given_name: string;
  family_name?: string;
  email: string;
  email_verified: boolean;
  picture?: string;
}

export const googleUserSubSchema = z.string().regex(/^\d{1,255}$/, 'must be a numeric Google subject');

export const googleUserFieldsSchema = z.strictObject({
  email: z.email(),
  email_verified: z.boolean().optional(),
  given_name: z.string().min(1).max(100_000),
  family_name: z.string().min(1).max(100_000).nullable().optional(),
  name: z.string().min(1).max(200_001).optional(),
  picture: httpUrlSchema.nullable().optional(),
});
export type GoogleEmulatorUserFields = z.infer<typeof googleUserFieldsSchema>;

export const googleUserSchema = googleUserFieldsSchema.extend({
  sub: googleUserSubSchema,
});

export function toGoogleUserView(user: GoogleEmulatorUser): GoogleEmulatorUserView {
  const view: GoogleEmulatorUserView = {
    sub: user.sub,
    name: user.name ?? (user.family_name ? `${user.given_name} ${user.family_name}` : user.given_name),
    given_name: user.given_name,
    email: user.email,
    email_verified: user.email_verified ?? true,
  };
  if (user.family_name) view.family_name = user.family_name;
  if (user.picture) view.picture = user.picture;
  return view;
}
