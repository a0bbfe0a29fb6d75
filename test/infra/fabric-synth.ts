import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, Stage, Validations, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { addFabricStacks, type RegionalFabric } from '../../infra/fabric-app';

const cdkContext = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8')).context as Record<
  string,
  unknown
>;

/**
 * Builds the fabric app as `cdk synth` does, with cdk.json's context (feature flags, default region)
 * under `context`. Bundling the functions with esbuild is skipped unless asked for: only the test
 * that checks the deployable stacks needs real assets.
 */
export function buildFabric(context: Record<string, unknown> = {}, { bundle = false } = {}): RegionalFabric[] {
  const skipBundling = bundle ? {} : { 'aws:cdk:bundling-stacks': [] };
  return addFabricStacks(new App({ context: { ...cdkContext, ...skipBundling, ...context } }));
}

type Json = Record<string, any>;
interface StackOutputRead {
  StackName: string;
  OutputName: string;
}

/**
 * A region's stacks as one template, so a test can follow a reference wherever it leads: each
 * resource's id is `<stack part>/<logical id>` (`Stateful/DataStoresOrdersTable1A2B3C4D`), and every
 * `Ref` and `Fn::GetAtt`, within a stack or through a read of another stack's output, names its
 * resource that way.
 */
export function regionTemplate(fabric: RegionalFabric): Template {
  const templates = new Map<string, Json>(
    fabric.stacks.map((stack) => [stack.stackName, Template.fromStack(stack).toJSON()]),
  );
  const part = (stackName: string) => stackName.slice(`RetailFabric-${fabric.region}-`.length);
  const qualify = (stackName: string, value: unknown): unknown => {
    const { Resources: resources } = templates.get(stackName)!;
    const local = (id: string) => (id in resources ? `${part(stackName)}/${id}` : id);
    const visit = (node: unknown): unknown => {
      if (Array.isArray(node)) return node.map(visit);
      if (node === null || typeof node !== 'object') return node;
      const object = node as Json;
      if (typeof object.Ref === 'string') return { Ref: local(object.Ref) };
      if (Array.isArray(object['Fn::GetAtt']))
        return { 'Fn::GetAtt': [local(object['Fn::GetAtt'][0]), object['Fn::GetAtt'][1]] };
      const read = object['Fn::GetStackOutput'] as StackOutputRead | undefined;
      if (read) return qualify(read.StackName, templates.get(read.StackName)!.Outputs[read.OutputName].Value);
      return Object.fromEntries(Object.entries(object).map(([key, child]) => [key, visit(child)]));
    };
    return visit(value);
  };
  const resources = Object.fromEntries(
    [...templates].flatMap(([stackName, template]) =>
      Object.entries(template.Resources as Json).map(([id, resource]) => [
        `${part(stackName)}/${id}`,
        {
          ...(qualify(stackName, resource) as Json),
          ...(resource.DependsOn
            ? { DependsOn: [resource.DependsOn].flat().map((dependency: string) => `${part(stackName)}/${dependency}`) }
            : {}),
        },
      ]),
    ),
  );
  return Template.fromJSON({ Resources: resources }, { skipCyclicalDependenciesCheck: true });
}

/** cdk-nag AWS Solutions findings that nobody acknowledged, as `rule at construct-path` lines. */
export function unacknowledgedFindings(stack: Stack): string[] {
  synthesized(stack);
  return new AwsSolutionsChecks()
    .validateScope(stack)
    .violations.flatMap((violation) =>
      violation.violatingResources.map((resource) => `${violation.ruleName} at ${resource.constructPath}`),
    );
}

/**
 * Acknowledgements that match no finding: stale reasons left behind after the code they excused
 * changed. A finding matches when it has the acknowledged id on the acknowledging construct or below.
 */
export function acknowledgementsWithoutFinding(stack: Stack): string[] {
  synthesized(stack);
  const findings = new AllFindings()
    .validateScope(stack)
    .violations.flatMap((violation) =>
      violation.violatingResources.map((resource) => ({ id: violation.ruleName, path: resource.constructPath ?? '' })),
    );
  return stack.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.keys(entry.data as object).map((key) => key.replace(/^annotation::/i, '')))
      .filter(
        (id) =>
          !findings.some((finding) => finding.id === id && `${finding.path}/`.startsWith(`${construct.node.path}/`)),
      )
      .map((id) => `${id} at ${construct.node.path}`),
  );
}

/**
 * Synthesizes the stack's app, once: findings on another stack's outputs are acknowledged only while
 * synthesis resolves cross-stack references (infra/constructs/fabric-function.ts).
 */
function synthesized(stack: Stack): void {
  Stage.of(stack)!.synth();
}

/** The AWS Solutions pack with acknowledgements ignored, to see every finding they cover. */
class AllFindings extends AwsSolutionsChecks {}
Object.defineProperty(AllFindings.prototype, 'isAcknowledged', { value: () => false });
