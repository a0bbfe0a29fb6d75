import { PutEventsCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import { eventBridgeClient, snsClient } from './aws-clients';
import { toWireEvent, type FabricEvent } from '../../events/envelope';
import type { EventPublisher } from '../domain/webhook-delivery';

/** EventBridge and SNS both take at most 10 entries per call... */
const BATCH = 10;
/**
 * ...and at most 256 KiB of them all together (PutEvents' total entry size, PublishBatch's total
 * payload): ten orders of many lines, each well under the limit, can pass it together.
 */
const MAX_REQUEST_BYTES = 262_144;
/** Requests under way at once for one flush: a catalog import publishes hundreds of events in one call. */
const PARALLEL_REQUESTS = 4;

export class EventPublishError extends Error {
  override name = 'EventPublishError';
}

/** The bus's word on each event of one request, in order: undefined when accepted, else the reason. */
type Verdicts = (string | undefined)[];

interface Caller {
  events: readonly FabricEvent[];
  resolve(): void;
  reject(error: Error): void;
}

/**
 * The records of a batch are handled side by side, and each publishes what it decided. Those calls
 * go out together, up to ten events and 256 KiB a request, once the current turn of the event loop is over: a batch
 * of ten orders costs one request instead of ten. Each caller still hears only of its own events: it
 * resolves when every one of them was accepted, and fails (so its record is retried) when any was
 * not, with the bus's reasons or the request's own error.
 */
class CoalescingPublisher implements EventPublisher {
  private waiting: Caller[] = [];

  constructor(private readonly busName: string, private readonly send: (events: readonly FabricEvent[]) => Promise<Verdicts>) {}

  publish(events: readonly FabricEvent[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      if (this.waiting.push({ events, resolve, reject }) === 1) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const callers = this.waiting;
    this.waiting = [];
    const entries = callers.flatMap((caller) => caller.events.map((event) => ({ event, caller })));
    const refusals = new Map<Caller, string[]>();
    const errors = new Map<Caller, Error>();
    const chunks: (typeof entries)[] = [];
    let bytes = 0;
    for (const entry of entries) {
      let size: number;
      try {
        size = wireSize(entry.event);
      } catch (error) {
        // An event that cannot be serialized fails its own caller, not the others of its request.
        errors.set(entry.caller, error as Error);
        continue;
      }
      const open = chunks.at(-1);
      if (open && open.length < BATCH && bytes + size <= MAX_REQUEST_BYTES) {
        open.push(entry);
        bytes += size;
      } else {
        // An event over the limit on its own goes alone, and the bus refuses it alone.
        chunks.push([entry]);
        bytes = size;
      }
    }
    for (let i = 0; i < chunks.length; i += PARALLEL_REQUESTS) {
      await Promise.all(chunks.slice(i, i + PARALLEL_REQUESTS).map(async (chunk) => {
        try {
          const verdicts = await this.send(chunk.map((entry) => entry.event));
          chunk.forEach(({ caller }, j) => {
            const reason = verdicts[j];
            if (reason !== undefined) refusals.set(caller, [...(refusals.get(caller) ?? []), reason]);
          });
        } catch (error) {
          for (const { caller } of chunk) errors.set(caller, error as Error);
        }
      }));
    }
    for (const caller of callers) {
      const refused = refusals.get(caller);
      const error = errors.get(caller);
      if (error) caller.reject(error);
      else if (refused) caller.reject(new EventPublishError(`${this.busName} rejected ${refused.length} of ${caller.events.length} events: ${refused.join('; ')}`));
      else caller.resolve();
    }
  }
}

/**
 * The bytes an event takes in a request: its EventBridge-shaped JSON, which is the SNS message locally
 * and more than PutEvents counts (source, detail-type, detail and time only), so never too little.
 */
function wireSize(event: FabricEvent): number {
  return Buffer.byteLength(JSON.stringify(toWireEvent(event)));
}

/** In AWS: PutEvents to the fabric bus. */
export class EventBridgePublisher extends CoalescingPublisher {
  constructor(eventBusName: string, client: EventBridgeClient = eventBridgeClient()) {
    super('EventBridge', (events) => putEvents(client, eventBusName, events));
  }
}

/**
 * Locally: the EventBridge-shaped event JSON published to an SNS topic whose subscriptions filter on
 * the body with the routing rules' patterns, with raw delivery, so SQS consumers get the same body
 * that an EventBridge SQS target would deliver.
 */
export class SnsBusPublisher extends CoalescingPublisher {
  constructor(topicArn: string, client: SNSClient = snsClient()) {
    super('SNS', (events) => publishToTopic(client, topicArn, events));
  }
}

async function putEvents(client: EventBridgeClient, eventBusName: string, events: readonly FabricEvent[]): Promise<Verdicts> {
  const result = await client.send(new PutEventsCommand({
    Entries: events.map((event) => {
      const wire = toWireEvent(event);
      return { EventBusName: eventBusName, Source: wire.source, DetailType: wire['detail-type'], Time: new Date(wire.time), Detail: JSON.stringify(wire.detail) };
    }),
  }));
  // PutEvents answers entry by entry, in the order sent.
  return events.map((_, i) => {
    const entry = result.Entries?.[i];
    return entry?.ErrorCode ? `${entry.ErrorCode}: ${entry.ErrorMessage}` : undefined;
  });
}

async function publishToTopic(client: SNSClient, topicArn: string, events: readonly FabricEvent[]): Promise<Verdicts> {
  const result = await client.send(new PublishBatchCommand({
    TopicArn: topicArn,
    PublishBatchRequestEntries: events.map((event, index) => ({ Id: String(index), Message: JSON.stringify(toWireEvent(event)) })),
  }));
  // PublishBatch names its failures by the entry ids sent, which are the positions.
  const failed = new Map((result.Failed ?? []).map((failure) => [Number(failure.Id), failure.Message ?? failure.Code ?? 'failed']));
  return events.map((_, i) => failed.get(i));
}

/** Chooses the transport from configuration: the bus name in AWS, the topic ARN locally. */
export function eventPublisherFromEnv(env: NodeJS.ProcessEnv = process.env): EventPublisher {
  if (env.FABRIC_EVENT_BUS_NAME) return new EventBridgePublisher(env.FABRIC_EVENT_BUS_NAME);
  if (env.FABRIC_EVENT_TOPIC_ARN) return new SnsBusPublisher(env.FABRIC_EVENT_TOPIC_ARN);
  throw new Error('FABRIC_EVENT_BUS_NAME (AWS) or FABRIC_EVENT_TOPIC_ARN (local) is required');
}
