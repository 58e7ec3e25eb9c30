import type { EmulatorUser } from './emulator-user';

// Lower-case accented Latin letters (all single UTF-16 units, NFC) so the
// surname is exactly 300 characters and stresses utf8mb4 columns and lengths.
const ACCENTED_LETTERS = 'áàâäãåçéèêëíìîïñóòôöõøúùûüýÿœšžłńśźżđ';
const ZOE_SURNAME_PREFIX = 'Ångström-Ñúñez-';

export const ZOE_LAST_NAME = (
  ZOE_SURNAME_PREFIX + ACCENTED_LETTERS.repeat(Math.ceil((300 - ZOE_SURNAME_PREFIX.length) / ACCENTED_LETTERS.length))
).slice(0, 300);

/** The users the dialog offers when no `users` option is given. */
export const DEFAULT_TEST_USERS: readonly EmulatorUser[] = Object.freeze([
  {
    id: '10000000000000001',
    first_name: 'Alice',
    last_name: 'Liddell',
    email: 'alice@example.com',
  },
  // No email at all: exercises the "Facebook did not give us an email" path.
  { id: '10000000000000002', first_name: 'Bob', last_name: 'Nomail' },
  {
    id: '10000000000000003',
    first_name: 'Zoë 😀',
    last_name: ZOE_LAST_NAME,
    email: 'zoe.angstrom@example.org',
  },
]);
