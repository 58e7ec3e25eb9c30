// Unit tests (`*.spec.ts` next to the code). The `@app/*` aliases come from
// tsconfig.json's paths, so a new lib needs no second copy of them here.
const ts = require('typescript');
const { pathsToModuleNameMapper } = require('ts-jest');

// ts.readConfigFile, not JSON.parse: tsconfig.json may hold comments and trailing commas.
const { config: tsconfig, error } = ts.readConfigFile(`${__dirname}/tsconfig.json`, ts.sys.readFile);
if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));

/** @type {import('jest').Config} */
module.exports = {
  rootDir: '.',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/bench'],
  moduleFileExtensions: ['js', 'json', 'ts'],
  testRegex: '.*\\.spec\\.ts$',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true } }] },
  moduleNameMapper: pathsToModuleNameMapper(tsconfig.compilerOptions.paths, { prefix: '<rootDir>/' }),
  testEnvironment: 'node',
};
