import type { components } from './schema';

/**
 * The API's JSON bodies, as docs/openapi.json describes them (schema.d.ts is
 * generated from it by `npm run openapi:generate`). The SPA's own types are
 * built from these, so a change on the server that the SPA does not follow
 * fails `npm run typecheck`.
 */
export type ApiSchemas = components['schemas'];
