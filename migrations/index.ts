import { InitialSchema1764576000000 } from './1764576000000-InitialSchema';
import { DataDeletionRequest1764662400000 } from './1764662400000-DataDeletionRequest';

/** Every migration, in order. Listed explicitly so bundles and tests never rely on globs. */
export const MIGRATIONS = [InitialSchema1764576000000, DataDeletionRequest1764662400000];
