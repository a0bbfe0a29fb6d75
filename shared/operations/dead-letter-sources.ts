import { routingRules, type RoutingRule } from '#events/routing-rules';
import { functions, type FunctionDefinition } from '#shared/config/topology';

/**
 * A queue with a dead-letter queue beside it: a routing rule's queue (`rule` set), or a queue a
 * channel writes to directly. `name` is how operators call it (the rule's name); `queueName` is the
 * queue's logical name, which the stacks and the local runtime prefix (`<prefix>-<queueName>`, DLQ
 * `<prefix>-<queueName>-dlq`).
 */
export interface DeadLetterSource {
  name: string;
  queueName: string;
  rule?: RoutingRule;
}

/**
 * The DLQs of a fabric that deploys `deployed` functions: one per routing rule, then one per inbound
 * queue of those functions (a region that does not sell on a channel has none of its queues).
 */
export function deadLetterSourcesOf(deployed: readonly (readonly [string, FunctionDefinition])[]): DeadLetterSource[] {
  return [
    ...routingRules.map((rule) => ({ name: rule.name, queueName: rule.target.name, rule })),
    ...deployed.flatMap(([, definition]) =>
      definition.inboundQueue ? [{ name: definition.inboundQueue.name, queueName: definition.inboundQueue.name }] : [],
    ),
  ];
}

/** Every DLQ the topology declares, as `ops dlq list` lists them; a region may deploy fewer. */
export const deadLetterSources: readonly DeadLetterSource[] = deadLetterSourcesOf(
  Object.entries(functions as Record<string, FunctionDefinition>),
);

export function deadLetterSource(name: string): DeadLetterSource | undefined {
  return deadLetterSources.find((source) => source.name === name);
}
