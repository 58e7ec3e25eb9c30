import { InitialSchema1764576000000 } from './1764576000000-InitialSchema';

/** Every migration, in order. Listed explicitly so bundles and tests never rely on globs. */
export const MIGRATIONS = [InitialSchema1764576000000];
