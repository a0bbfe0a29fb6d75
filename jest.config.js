/** Four projects: unit (pure, fast), integration (DynamoDB Local + fauxqs, started once per run), infra (synthesized templates), e2e (the console in Chromium). */
const tsJest = { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] };
// Stryker's sandbox is a copy of the repository (package.json included) while a mutation run lasts.
const common = {
  testEnvironment: 'node',
  transform: tsJest,
  moduleFileExtensions: ['ts', 'js', 'json'],
  modulePathIgnorePatterns: ['<rootDir>/.stryker-tmp/'],
};

module.exports = {
  // Per-project testTimeout is ignored by jest; integration files raise it in their setup file.
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/integration/emulators.global-setup.ts',
      setupFiles: ['<rootDir>/test/integration/support/quiet-handlers.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/integration/support/timeouts.ts'],
      globalTeardown: '<rootDir>/test/integration/emulators.global-teardown.ts',
    },
    { ...common, displayName: 'infra', testMatch: ['<rootDir>/test/infra/**/*.test.ts'] },
    {
      // The ops console in a real headless Chromium against a local fabric.
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      globalSetup: '<rootDir>/test/e2e/global-setup.ts',
      setupFiles: ['<rootDir>/test/integration/support/quiet-handlers.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/integration/support/timeouts.ts'],
      globalTeardown: '<rootDir>/test/integration/emulators.global-teardown.ts',
    },
  ],
};
