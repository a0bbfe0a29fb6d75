import { Duration } from 'aws-cdk-lib';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { routingRules } from '../../events/routing-rules';
import type { EventBackbone } from './event-backbone';
import type { FabricFunction } from './fabric-function';

/**
 * Subscribes each routing rule's consumer function to the rule's queue with the batch settings from
 * `events/routing-rules.ts`. Batch item failures are reported per record, so one bad message is
 * retried (and eventually dead-lettered) alone instead of failing its whole batch. Throws when a rule
 * names a consumer the topology does not define.
 */
export function subscribeQueueConsumers(backbone: EventBackbone, functions: Readonly<Record<string, FabricFunction>>): void {
  for (const rule of routingRules) {
    const consumer = functions[rule.consumer];
    if (!consumer) throw new Error(`routing rule "${rule.name}" names consumer "${rule.consumer}", which is not a function in the topology`);
    consumer.addEventSource(new SqsEventSource(backbone.queueFor(rule.name), {
      batchSize: rule.target.batchSize,
      maxBatchingWindow: Duration.seconds(rule.target.maxBatchingWindowSeconds),
      reportBatchItemFailures: true,
      maxConcurrency: rule.target.maxConcurrency,
    }));
  }
}
