/**
 * The API's contract as files: docs/openapi.json (the document the API
 * serves at /api/docs-json) and client/src/api/schema.d.ts (the SPA's types,
 * by openapi-typescript). Both are committed.
 *   npm run openapi:generate   writes them
 *   npm run openapi:check      fails when the committed ones differ (run by `npm run lint`)
 * Neither needs MariaDB or Redis: the document comes from the controllers' decorators.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import * as prettier from 'prettier';
import { buildOfflineApiDocument } from './openapi-document';

const ROOT = resolve(__dirname, '..');
const DOCUMENT_PATH = join(ROOT, 'docs/openapi.json');
const TYPES_PATH = join(ROOT, 'client/src/api/schema.d.ts');

const TYPES_HEADER = `// Generated from docs/openapi.json by \`npm run openapi:generate\`: do not edit.
// The API's controllers (their @nestjs/swagger decorators) are the source;
// \`npm run openapi:check\` (part of \`npm run lint\`) fails when this file drifts.

`;

/** The two files' contents, as they are to be committed. */
async function render(): Promise<{ document: string; types: string }> {
  const openapi = await buildOfflineApiDocument();
  const document = JSON.stringify(openapi, null, 2) + '\n';
  const ast = await openapiTS(JSON.parse(document) as Parameters<typeof openapiTS>[0], { alphabetize: false });
  // Formatted as the client's own files are (its .prettierrc), so `format:check` agrees.
  const options = await prettier.resolveConfig(TYPES_PATH);
  const types = await prettier.format(TYPES_HEADER + astToString(ast), { ...options, filepath: TYPES_PATH });
  return { document, types };
}

function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

async function main(mode: string | undefined): Promise<void> {
  const { document, types } = await render();
  const files: [string, string][] = [
    [DOCUMENT_PATH, document],
    [TYPES_PATH, types],
  ];
  if (mode === 'generate') {
    for (const [path, text] of files) writeFileSync(path, text);
    console.log(`openapi: wrote ${files.map(([path]) => relative(ROOT, path)).join(' and ')}`);
    return;
  }
  if (mode !== 'check') throw new Error('usage: ts-node scripts/openapi.ts generate|check');
  // The fresh files go to a temporary folder, so a failed check leaves the committed ones as they were.
  const dir = mkdtempSync(join(tmpdir(), 'openapi-'));
  try {
    const stale = files.filter(([path, text]) => {
      writeFileSync(join(dir, relative(ROOT, path).replaceAll('/', '__')), text);
      return readOrNull(path) !== text;
    });
    if (stale.length) {
      for (const [path] of stale) {
        console.error(
          `openapi: ${relative(ROOT, path)} is out of date with the controllers' decorators. ` +
            'Run `npm run openapi:generate` and commit the result.',
        );
      }
      process.exitCode = 1;
      return;
    }
    console.log('openapi: docs/openapi.json and client/src/api/schema.d.ts are up to date');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main(process.argv[2]).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
