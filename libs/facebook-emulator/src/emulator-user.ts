import { z } from 'zod';

/** A person who can "log in" through the emulated dialog. */
export interface EmulatorUser {
  id: string;
  first_name: string;
  last_name: string;
  /** Absent or null: Facebook omits the `email` field entirely. */
  email?: string | null;
}

/** What the knob API and `listUsers()` return: the user plus the derived `name`. */
export interface EmulatorUserView extends EmulatorUser {
  name: string;
}

// Facebook user ids are numeric strings; apps usually store them as varchar.
export const emulatorUserIdSchema = z.string().regex(/^\d{1,32}$/, 'must be a numeric Facebook user id');

export const emulatorUserFieldsSchema = z.strictObject({
  first_name: z.string().min(1).max(100_000),
  last_name: z.string().min(1).max(100_000),
  email: z.email().nullable().optional(),
});

export const emulatorUserSchema = emulatorUserFieldsSchema.extend({
  id: emulatorUserIdSchema,
});

export function userDisplayName(user: EmulatorUser): string {
  return `${user.first_name} ${user.last_name}`;
}

export function toUserView(user: EmulatorUser): EmulatorUserView {
  const view: EmulatorUserView = {
    id: user.id,
    name: userDisplayName(user),
    first_name: user.first_name,
    last_name: user.last_name,
  };
  if (user.email) view.email = user.email;
  return view;
}

export type EmulatorUserFields = z.infer<typeof emulatorUserFieldsSchema>;
