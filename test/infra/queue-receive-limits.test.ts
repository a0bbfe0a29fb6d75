import type { Template } from 'aws-cdk-lib/assertions';
import { routingRules } from '#events/routing-rules';
import { functions, type FunctionDefinition } from '#shared/config/topology';
import { MAX_RECEIVE_COUNTS_ENV } from '#shared/config/env';
import { buildFabric, regionTemplate } from './fabric-synth';

// A queue consumer logs a failure at ERROR only on its queue's last receive (shared/adapters/queue-consumer.ts):
// it can tell which receive is the last only if the stack that binds it to the queue tells it the queue's maxReceiveCount.

const REGION = 'us-east-1';
const topologyFunctions = Object.entries(functions) as [string, FunctionDefinition][];
let template: Template;

beforeAll(() => {
  const [fabric] = buildFabric({ regions: REGION });
  template = regionTemplate(fabric);
});

/** The receive limits a topology function was deployed with, by queue name. */
function receiveLimitsOf(name: string): Record<string, number> {
  const found = Object.values(
    template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, any> }>,
  ).filter(
    (resource) =>
      resource.Type === 'AWS::Lambda::Function' &&
      resource.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === name,
  );
  expect(found).toHaveLength(1);
  return JSON.parse(found[0].Properties.Environment.Variables[MAX_RECEIVE_COUNTS_ENV]);
}

test.each(routingRules.map((rule) => [rule.name, rule] as const))(
  "tells the %s consumer its queue's maxReceiveCount",
  (_, rule) => {
    expect(receiveLimitsOf(rule.consumer)).toMatchObject({
      [`fabric-${REGION}-${rule.target.name}`]: rule.target.maxReceiveCount,
    });
  },
);

test.each(topologyFunctions.filter(([, definition]) => definition.inboundQueue))(
  "tells %s its inbound queue's maxReceiveCount",
  (name, definition) => {
    const inbound = definition.inboundQueue!;

    expect(receiveLimitsOf(name)).toMatchObject({ [`fabric-${REGION}-${inbound.name}`]: inbound.maxReceiveCount });
  },
);

test("tells a function that reads several queues each one's own limit, and none of another function's", () => {
  const consumers = new Set(routingRules.map((rule) => rule.consumer));
  for (const consumer of consumers) {
    const own = routingRules
      .filter((rule) => rule.consumer === consumer)
      .map((rule) => [`fabric-${REGION}-${rule.target.name}`, rule.target.maxReceiveCount]);
    const inbound = (functions as Record<string, FunctionDefinition>)[consumer].inboundQueue;
    if (inbound) own.push([`fabric-${REGION}-${inbound.name}`, inbound.maxReceiveCount]);

    expect(receiveLimitsOf(consumer)).toEqual(Object.fromEntries(own));
  }
});
