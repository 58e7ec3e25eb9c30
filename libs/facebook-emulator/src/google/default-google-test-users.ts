import type { GoogleEmulatorUser } from './google-emulator-user';

/** The accounts the chooser offers when no `users` option is given. */
export const DEFAULT_GOOGLE_TEST_USERS: readonly GoogleEmulatorUser[] = Object.freeze([
  // Facebook's Alice has this e-mail too: her first Google sign-in is
  // refused as identity_not_linked until she links Google while signed in.
  {
    sub: '108000000000000000001',
    email: 'alice@example.com',
    email_verified: true,
    given_name: 'Alice',
    family_name: 'Liddell',
  },
  // Nobody on the Facebook side: a first sign-in makes a new profile.
  {
    sub: '108000000000000000002',
    email: 'grace.hopper@example.net',
    email_verified: true,
    given_name: 'Grace',
    family_name: 'Hopper',
  },
  // Only a given name (Google allows that), with an emoji: no family_name
  // claim, and UTF-8 beyond the BMP inside the signed id_token.
  {
    sub: '108000000000000000003',
    email: 'zoe@example.net',
    email_verified: true,
    given_name: 'Zoë 😀',
  },
]);
