import { InitialSchema1764576000000 } from './1764576000000-InitialSchema';
import { DataDeletionRequest1764662400000 } from './1764662400000-DataDeletionRequest';
import { SignInHistory1796116721859 } from './1796116721859-SignInHistory';
import { UserIdentity1796328592081 } from './1796328592081-UserIdentity';
import { DeclinedPermissionsAndPicture1796350000000 } from './1796350000000-DeclinedPermissionsAndPicture';

/** Every migration, in order. Listed explicitly so bundles and tests never rely on globs. */
export const MIGRATIONS = [
  InitialSchema1764576000000,
  DataDeletionRequest1764662400000,
  SignInHistory1796116721859,
  UserIdentity1796328592081,
  DeclinedPermissionsAndPicture1796350000000,
];
