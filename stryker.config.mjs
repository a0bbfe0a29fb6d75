/**
 * Mutation testing of the code that guards the product's promises: the kernel and the inventory, orders,
 * POS, ERP and accounting capabilities, against the unit tests alone (the integration project starts
 * emulators, far too slow to run per mutant). `npm run test:mutation`; outside `npm test` and CI.
 * scripts/mutation-score.ts then prints the score per capability from the JSON report.
 */
import jestConfig from './jest.config.js';

// Stryker's jest runner swaps the test environment of the top-level config only, so the unit project
// is lifted out of `projects` instead of selected with --selectProjects. `projects: null`, not undefined:
// options reach Stryker's workers as JSON, which drops an undefined key, and the three projects (the
// integration one starting its emulators for every mutant) would come back from jest.config.js.
const { displayName: _unit, ...unitProject } = jestConfig.projects.find((project) => project.displayName === 'unit');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'jest',
  jest: { projectType: 'custom', configFile: 'jest.config.js', config: { ...unitProject, projects: null } },
  coverageAnalysis: 'perTest',
  // A static mutant (a zod schema, a policy table, a constant built at module load) cannot be traced to
  // the tests that reach it, so each would re-run every unit test that imports its module: the kernel's
  // are imported by nearly all. Left out, the run takes minutes instead of hours; the report counts them.
  ignoreStatic: true,
  concurrency: 2,
  mutate: ['shared/domain/{kernel,inventory,orders,pos,erp,accounting}/**/*.ts'],
  ignorePatterns: ['.fabric', 'cdk.out', 'bench/out', 'coverage', 'dist', 'reports'],
  reporters: ['clear-text', 'progress', 'json', 'html'],
  clearTextReporter: { reportMutants: false, allowEmojis: false },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  thresholds: { high: 80, low: 60, break: null },
};
