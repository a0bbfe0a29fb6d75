import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, Validations, type Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { addFabricStacks } from '../../infra/fabric-app';
import type { FabricStack } from '../../infra/fabric-stack';

const cdkContext = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8')).context as Record<string, unknown>;

/**
 * Builds the fabric app as `cdk synth` does, with cdk.json's context (feature flags, default region)
 * under `context`. Bundling the functions with esbuild is skipped unless asked for: only the test
 * that checks the deployable stack needs real assets.
 */
export function buildFabric(context: Record<string, unknown> = {}, { bundle = false } = {}): FabricStack[] {
  const skipBundling = bundle ? {} : { 'aws:cdk:bundling-stacks': [] };
  return addFabricStacks(new App({ context: { ...cdkContext, ...skipBundling, ...context } }));
}

/** cdk-nag AWS Solutions findings that nobody acknowledged, as `rule at construct-path` lines. */
export function unacknowledgedFindings(stack: Stack): string[] {
  return new AwsSolutionsChecks().validateScope(stack).violations.flatMap((violation) =>
    violation.violatingResources.map((resource) => `${violation.ruleName} at ${resource.constructPath}`),
  );
}

/**
 * Acknowledgements that match no finding: stale reasons left behind after the code they excused
 * changed. A finding matches when it has the acknowledged id on the acknowledging construct or below.
 */
export function acknowledgementsWithoutFinding(stack: Stack): string[] {
  const findings = new AllFindings().validateScope(stack).violations.flatMap((violation) =>
    violation.violatingResources.map((resource) => ({ id: violation.ruleName, path: resource.constructPath ?? '' })),
  );
  return stack.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.keys(entry.data as object).map((key) => key.replace(/^annotation::/i, '')))
      .filter((id) => !findings.some((finding) => finding.id === id && `${finding.path}/`.startsWith(`${construct.node.path}/`)))
      .map((id) => `${id} at ${construct.node.path}`),
  );
}

/** The AWS Solutions pack with acknowledgements ignored, to see every finding they cover. */
class AllFindings extends AwsSolutionsChecks {}
Object.defineProperty(AllFindings.prototype, 'isAcknowledged', { value: () => false });
