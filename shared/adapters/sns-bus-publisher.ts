import type { SNSClient } from '@aws-sdk/client-sns';
import { PublishBatchCommand, snsClient } from './aws-clients';
import { CoalescingPublisher, registerLocalBusTransport, type ClaimCheckStore, type Verdicts } from './event-publisher';
import type { WireEvent } from '#domain/kernel/event';

/**
 * Locally: the EventBridge-shaped event JSON published to an SNS topic whose subscriptions filter on
 * the body with the routing rules' patterns, with raw delivery, so SQS consumers get the same body
 * that an EventBridge SQS target would deliver. Only the local runtime imports this module, so no
 * Lambda bundle carries the SNS client.
 */
export class SnsBusPublisher extends CoalescingPublisher {
  constructor(topicArn: string, client: SNSClient = snsClient(), claimChecks?: ClaimCheckStore) {
    super('SNS', (events) => publishToTopic(client, topicArn, events), claimChecks);
  }
}

async function publishToTopic(client: SNSClient, topicArn: string, events: readonly WireEvent[]): Promise<Verdicts> {
  const result = await client.send(
    new PublishBatchCommand({
      TopicArn: topicArn,
      PublishBatchRequestEntries: events.map((wire, index) => ({ Id: String(index), Message: JSON.stringify(wire) })),
    }),
  );
  // PublishBatch names its failures by the entry ids sent, which are the positions.
  const failed = new Map(
    (result.Failed ?? []).map((failure) => [Number(failure.Id), failure.Message ?? failure.Code ?? 'failed']),
  );
  return events.map((_, i) => failed.get(i));
}

/** Makes `eventPublisherFromEnv` publish to the topic FABRIC_EVENT_TOPIC_ARN names, as the local runtime does. */
export function useSnsBusTransport(): void {
  registerLocalBusTransport((topicArn, claimChecks) => new SnsBusPublisher(topicArn, snsClient(), claimChecks));
}
