// e2e suites start the real apps against the real MariaDB and Redis.
// The TypeScript transform and the `@app/*` aliases (from tsconfig.json) are the unit config's.
const { transform, moduleNameMapper } = require('../jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  rootDir: '..',
  roots: ['<rootDir>/test'],
  moduleFileExtensions: ['js', 'json', 'ts'],
  testRegex: '.*\\.e2e-spec\\.ts$',
  transform,
  moduleNameMapper,
  testEnvironment: 'node',
  testTimeout: 60000,
  // A teardown step that never ends fails its suite (TestStack.stop() names it) and stays
  // behind; the run must still end (a CI job waits for it), so Jest exits once the suites are
  // done.
  forceExit: true,
};
