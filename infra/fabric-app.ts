import { Tags, Validations, type App, type Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { routingRules, type RoutingRule } from '#events/routing-rules';
import { capabilities, functions, type Capability, type FunctionDefinition } from '#shared/config/topology';
import { ApiStack } from './api-stack';
import { CapabilityStack } from './capability-stack';
import { constructId } from './constructs/construct-id';
import { OperationsStack } from './operations-stack';
import { parseContext, Regions, RegionSettingsByRegion, type RegionSettings } from './region-settings';
import { CATCH_UP_FUNCTION, regionalFunctions } from './regional-functions';
import { SalesChannel } from '#domain/kernel/order';
import { StatefulStack } from './stateful-stack';

/** One region's stacks; `stacks` lists them in the order `cdk deploy --all` deploys them. */
export interface RegionalFabric {
  region: string;
  stateful: StatefulStack;
  capabilities: Record<Capability, CapabilityStack>;
  api: ApiStack;
  operations: OperationsStack;
  stacks: Stack[];
}

/**
 * Adds the stacks of every region in the `regions` context, each with its `regionSettings`, and
 * registers the cdk-nag AWS Solutions checks: synthesis fails on any finding not acknowledged in code
 * with a reason. Regions share nothing. Throws, naming the key, on malformed context.
 */
export function addFabricStacks(app: App): RegionalFabric[] {
  const regions = parseContext('regions', app.node.tryGetContext('regions'), Regions);
  const settings = parseContext('regionSettings', app.node.tryGetContext('regionSettings'), RegionSettingsByRegion);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  Tags.of(app).add('application', 'retail-integration-fabric');
  return [...new Set(regions)].map((region) => addRegion(app, region, settings[region] ?? {}));
}

/**
 * One region as `RetailFabric-<region>-<part>` stacks whose dependencies point one way:
 * Stateful <- one stack per capability <- Api <- Operations. The stateful stack holds the stores and
 * the bus; each capability stack its functions and the queues of the work they consume; the API
 * fronts functions of several capabilities, with the ops console that calls it; operations watches them all.
 */
function addRegion(app: App, region: string, settings: RegionSettings): RegionalFabric {
  const env = { region, account: process.env.CDK_DEFAULT_ACCOUNT };
  const namePrefix = `fabric-${region}`;
  const stack = (part: string) => `RetailFabric-${region}-${part}`;
  const stackProps = (part: string, what: string) => ({
    env,
    stackName: stack(part),
    description: `Retail integration fabric in ${region}: ${what}.`,
  });

  const stateful = new StatefulStack(app, stack('Stateful'), {
    ...stackProps('Stateful', 'tables, buckets, data key, event bus and archive'),
    namePrefix,
    rawArchiveRetentionDays: settings.rawArchiveRetentionDays,
  });
  const deployed = regionalFunctions(settings.channels, settings);
  const capabilityStacks = Object.fromEntries(
    capabilities.map((capability) => {
      const part = constructId(capability);
      const capabilityStack = new CapabilityStack(app, stack(part), {
        ...stackProps(part, `${capability} functions, the queues they consume and the rules that feed them`),
        capability,
        namePrefix,
        functions: deployed.filter(([name, definition]) => capabilityOf(name, definition) === capability),
        rules: routingRules.filter((rule) => capabilityOf(rule.consumer, consumerOf(rule)) === capability),
        stateful,
        settings,
      });
      capabilityStack.addStackDependency(stateful);
      return [capability, capabilityStack];
    }),
  ) as Record<Capability, CapabilityStack>;
  const capabilityList = Object.values(capabilityStacks);
  const regionFunctions = Object.assign({}, ...capabilityList.map((capabilityStack) => capabilityStack.functions));

  const api = new ApiStack(app, stack('Api'), {
    ...stackProps('Api', 'the REST API and its ops console'),
    namePrefix,
    functions: Object.values(regionFunctions),
  });
  for (const capabilityStack of capabilityList) api.addStackDependency(capabilityStack);
  const operations = new OperationsStack(app, stack('Operations'), {
    ...stackProps('Operations', 'alarms and dashboard'),
    namePrefix,
    watched: [
      { name: 'EventBackbone', deadLetterQueues: [stateful.backbone.undeliveredQueue], consumerQueues: [], rules: [] },
      ...capabilityList.map((capabilityStack) => capabilityStack.watched),
    ],
    functions: regionFunctions,
    bus: stateful.backbone.bus,
    api: api.api.restApi,
    alarmEmail: settings.alarmEmail,
    catchUp: regionFunctions[CATCH_UP_FUNCTION] && {
      // eBay's orders come by the pull first (its Notification API is optional): finding them is no
      // alarm. Store sales come in POS batches, which no pull lists.
      channels: (settings.channels ?? SalesChannel.options).filter(
        (channel) => channel !== 'ebay' && channel !== 'pos',
      ),
      recoveredPerHour: settings.recoveredOrdersAlarmPerHour,
    },
  });
  operations.addStackDependency(api);
  return {
    region,
    stateful,
    capabilities: capabilityStacks,
    api,
    operations,
    stacks: [stateful, ...capabilityList, api, operations],
  };
}

function consumerOf(rule: RoutingRule): FunctionDefinition {
  const consumer = (functions as Record<string, FunctionDefinition>)[rule.consumer];
  if (!consumer)
    throw new Error(
      `routing rule "${rule.name}" names consumer "${rule.consumer}", which is not a function in the topology`,
    );
  return consumer;
}

function capabilityOf(name: string, definition: FunctionDefinition): Capability {
  if (!definition.capability) throw new Error(`function "${name}" names no capability in the topology`);
  return definition.capability;
}
