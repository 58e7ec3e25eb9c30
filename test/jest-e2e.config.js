// e2e suites start the real apps against the real MariaDB and Redis.
/** @type {import('jest').Config} */
module.exports = {
  rootDir: '..',
  roots: ['<rootDir>/test'],
  moduleFileExtensions: ['js', 'json', 'ts'],
  testRegex: '.*\\.e2e-spec\\.ts$',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true } }] },
  moduleNameMapper: {
    '^@app/(config|database|redis|users|async-operations|auth|observability|facebook-emulator)(|/.*)$':
      '<rootDir>/libs/$1/src$2',
  },
  testEnvironment: 'node',
  testTimeout: 60000,
};
