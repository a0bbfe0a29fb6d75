/**
 * The one-way rules of the fabric's layout (docs/architecture.md), checked in `npm test` by `npm run deps`:
 * the kernel below every capability, capabilities talking to each other through their index.ts only,
 * a domain free of adapters and SDKs, and events/ reading the capabilities' models only.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycle',
      severity: 'error',
      comment:
        'Two folders that import each other cannot be understood or changed apart: one of them must own what both need.',
      scope: 'folder',
      from: { path: '^(shared|events|functions|infra|scripts|bench)/' },
      to: { circular: true },
    },
    {
      name: 'no-module-cycle',
      severity: 'error',
      comment:
        'A module cycle makes load order decide what a module sees at cold start (type-only imports are erased, so they do not count).',
      from: { path: '^(shared|events|functions|infra|scripts|bench)/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'kernel-is-below-every-capability',
      severity: 'error',
      comment: 'The kernel (money, the canonical order, shared ports) may not depend on any capability.',
      from: { path: '^shared/domain/kernel/' },
      to: { path: '^shared/domain/(?!kernel/)' },
    },
    {
      name: 'capabilities-meet-at-their-index',
      severity: 'error',
      comment: "A capability uses another only through that capability's index.ts, its public surface.",
      from: { path: '^shared/domain/([^/]+)/' },
      to: {
        path: '^shared/domain/[^/]+/',
        pathNot: ['^shared/domain/($1|kernel)/', '^shared/domain/[^/]+/index\\.ts$'],
      },
    },
    {
      name: 'domain-has-no-adapters',
      severity: 'error',
      comment:
        'The domain is plain functions and types: adapters, handlers, infra and the topology depend on it, never the reverse.',
      from: { path: '^shared/domain/' },
      to: {
        path: '^(shared/(adapters|channels|pos|erp|api)/|shared/config/topology|functions/|infra/|scripts/|bench/|events/)',
      },
    },
    {
      name: 'domain-has-no-sdk',
      severity: 'error',
      comment: 'No AWS SDK, Powertools, CDK or middleware in the domain: zod and node core only.',
      from: { path: '^shared/domain/' },
      to: {
        dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'],
        pathNot: '^node_modules/zod/',
      },
    },
    {
      name: 'sdk-clients-enter-through-aws-clients',
      severity: 'error',
      comment:
        "Values from the SDK's client packages are imported in shared/adapters/aws-clients.ts alone: the bundler copies a CommonJS package's exports for every module that imports it, which aws-clients.ts measures. Types come from anywhere.",
      from: { path: '^(shared|functions|events)/', pathNot: '^shared/adapters/aws-clients\\.ts$' },
      to: { path: '^node_modules/@aws-sdk/(client|lib)-', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'events-read-models-only',
      severity: 'error',
      comment:
        "The event catalog and routing rules read capabilities' models (schemas, event definitions, idempotency keys), never their use cases.",
      from: { path: '^events/' },
      to: { path: '^shared/', pathNot: '^shared/domain/(kernel/|[^/]+/(model|events)\\.ts$)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
