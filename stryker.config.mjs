// Mutation testing of the pure modules: the rules a unit spec can pin down without a
// database or a network. `npm run test:mutation` writes reports/mutation/mutation.json.
// Globs keep working as modules are added (a status policy, a webhook signer): a glob
// that matches nothing yet is simply empty.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const unit = require('./jest.config.js').projects.find((project) => project.displayName === 'unit');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    config: { ...unit, displayName: undefined },
    enableFindRelatedTests: true,
  },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.build.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: 'perTest',
  // Static mutants (module-level constants) would rerun every unit spec per mutant; they are
  // reported as ignored, not counted. Incremental: a rerun retests only what changed.
  ignoreStatic: true,
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  mutate: [
    // status rules
    'src/oauth/refresh-verdict.ts',
    'src/oauth/**/*policy*.ts',
    'src/token-health/**/*policy*.ts',
    // secrets at rest and signed links/state
    'src/oauth/token-cipher.ts',
    'src/connect/signed-token.ts',
    // alert wording
    'src/token-health/token-alert.composer.ts',
    // configuration parsing
    'src/config/parse-app-config.ts',
    'src/config/oauth-providers.config.ts',
    'src/config/resolve-token-health-config.ts',
    'src/config/encryption-key.ts',
    'src/config/allowed-origin.ts',
    // each provider's answer reading and error mapping
    'src/oauth/providers/*.provider.ts',
    'src/oauth/providers/token-error-classifier.ts',
    'src/oauth/providers/oauth2-wire.ts',
    'src/oauth/providers/http-token-client.ts',
    // the webhook signer, once it exists
    'src/**/*webhook*sign*.ts',
    'src/**/*signer*.ts',
    '!src/**/*.spec.ts',
  ],
  ignorePatterns: ['dist', '.data', 'reports', 'bench', 'coverage', '.stryker-tmp'],
  concurrency: 2,
  timeoutMS: 3000,
  reporters: ['json', 'clear-text', 'progress'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 85, break: null },
  tempDirName: '.stryker-tmp',
};
