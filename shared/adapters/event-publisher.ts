import { PutEventsCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import { eventBridgeClient, snsClient } from './aws-clients';
import { toWireEvent, type FabricEvent } from '../../events/envelope';
import type { EventPublisher } from '../domain/webhook-delivery';

/** EventBridge and SNS both take at most 10 entries per call. */
const BATCH = 10;

export class EventPublishError extends Error {
  override name = 'EventPublishError';
}

/** In AWS: PutEvents to the fabric bus. A partially failed batch throws, so the caller retries it whole. */
export class EventBridgePublisher implements EventPublisher {
  constructor(private readonly busName: string, private readonly client: EventBridgeClient = eventBridgeClient()) {}

  async publish(events: readonly FabricEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += BATCH) {
      const batch = events.slice(i, i + BATCH);
      const result = await this.client.send(new PutEventsCommand({
        Entries: batch.map((event) => {
          const wire = toWireEvent(event);
          return {
            EventBusName: this.busName,
            Source: wire.source,
            DetailType: wire['detail-type'],
            Time: new Date(wire.time),
            Detail: JSON.stringify(wire.detail),
          };
        }),
      }));
      if (result.FailedEntryCount) {
        const reasons = (result.Entries ?? []).filter((e) => e.ErrorCode).map((e) => `${e.ErrorCode}: ${e.ErrorMessage}`);
        throw new EventPublishError(`EventBridge rejected ${result.FailedEntryCount} of ${batch.length} events: ${reasons.join('; ')}`);
      }
    }
  }
}

/**
 * Locally: the EventBridge-shaped event JSON published to an SNS topic whose subscriptions filter on
 * the body with the routing rules' patterns, with raw delivery, so SQS consumers get the same body
 * that an EventBridge SQS target would deliver.
 */
export class SnsBusPublisher implements EventPublisher {
  constructor(private readonly topicArn: string, private readonly client: SNSClient = snsClient()) {}

  async publish(events: readonly FabricEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += BATCH) {
      const batch = events.slice(i, i + BATCH);
      const result = await this.client.send(new PublishBatchCommand({
        TopicArn: this.topicArn,
        PublishBatchRequestEntries: batch.map((event, index) => ({
          Id: String(index),
          Message: JSON.stringify(toWireEvent(event)),
        })),
      }));
      if (result.Failed?.length) {
        throw new EventPublishError(`SNS rejected ${result.Failed.length} of ${batch.length} events: ${result.Failed.map((f) => f.Message).join('; ')}`);
      }
    }
  }
}

/** Chooses the transport from configuration: the bus name in AWS, the topic ARN locally. */
export function eventPublisherFromEnv(env: NodeJS.ProcessEnv = process.env): EventPublisher {
  if (env.FABRIC_EVENT_BUS_NAME) return new EventBridgePublisher(env.FABRIC_EVENT_BUS_NAME);
  if (env.FABRIC_EVENT_TOPIC_ARN) return new SnsBusPublisher(env.FABRIC_EVENT_TOPIC_ARN);
  throw new Error('FABRIC_EVENT_BUS_NAME (AWS) or FABRIC_EVENT_TOPIC_ARN (local) is required');
}
