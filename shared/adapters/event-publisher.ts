import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { eventBridgeClient, PutEventsCommand } from './aws-clients';
import { toWireEvent, type FabricEvent, type WireEvent } from '#domain/kernel/event';
import { EVENT_BUS_MAX_BYTES, needsClaimCheck } from '#events/claim-check';
import { bucketEnvVar } from '#shared/config/topology';
import { UnpublishableEventError, type EventPublisher } from '#domain/kernel/ports';
import { S3EventClaimChecks } from './event-claim-checks';

/** EventBridge and SNS (the local transport) both take at most 10 entries per call... */
const BATCH = 10;
/**
 * ...and at most 256 KiB of them all together (PutEvents' total entry size, PublishBatch's total
 * payload): ten orders of many lines, each well under the limit, can pass it together.
 */
const MAX_REQUEST_BYTES = EVENT_BUS_MAX_BYTES;
/** Requests under way at once for one flush: a catalog import publishes hundreds of events in one call. */
const PARALLEL_REQUESTS = 4;

export class EventPublishError extends Error {
  override name = 'EventPublishError';
}

/**
 * An event the bus can never take, however often it is retried: over the limit with no claim-check
 * bucket to put its detail in. Permanent, unlike a refusal or an outage.
 */
export class EventTooLargeError extends UnpublishableEventError {
  override name = 'EventTooLargeError';
}

/** The bus's word on each event of one request, in order: undefined when accepted, else the reason. */
export type Verdicts = (string | undefined)[];

/** Stores the detail of an event too large for the bus and gives back the event to send instead. */
export interface ClaimCheckStore {
  check(wire: WireEvent): Promise<WireEvent>;
}

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
export class CoalescingPublisher implements EventPublisher {
  private waiting: Caller[] = [];

  constructor(
    private readonly busName: string,
    private readonly send: (events: readonly WireEvent[]) => Promise<Verdicts>,
    private readonly claimChecks: ClaimCheckStore | undefined,
  ) {}

  publish(events: readonly FabricEvent[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      if (this.waiting.push({ events, resolve, reject }) === 1) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const callers = this.waiting;
    this.waiting = [];
    const refusals = new Map<Caller, string[]>();
    const errors = new Map<Caller, Error>();
    const entries = (
      await Promise.all(
        callers.flatMap((caller) =>
          caller.events.map(async (event) => {
            try {
              const { wire, size } = await this.onTheWire(event);
              return [{ wire, size, caller }];
            } catch (error) {
              // An event that cannot be serialized or stored fails its own caller, not the others of its request.
              errors.set(caller, error as Error);
              return [];
            }
          }),
        ),
      )
    ).flat();
    const chunks: (typeof entries)[] = [];
    let bytes = 0;
    for (const entry of entries) {
      const { size } = entry;
      const open = chunks.at(-1);
      if (open && open.length < BATCH && bytes + size <= MAX_REQUEST_BYTES) {
        open.push(entry);
        bytes += size;
      } else {
        // Ten events or 256 KiB close a request; a claim check keeps any one event under the limit.
        chunks.push([entry]);
        bytes = size;
      }
    }
    for (let i = 0; i < chunks.length; i += PARALLEL_REQUESTS) {
      await Promise.all(
        chunks.slice(i, i + PARALLEL_REQUESTS).map(async (chunk) => {
          try {
            const verdicts = await this.send(chunk.map((entry) => entry.wire));
            chunk.forEach(({ caller }, j) => {
              const reason = verdicts[j];
              if (reason !== undefined) refusals.set(caller, [...(refusals.get(caller) ?? []), reason]);
            });
          } catch (error) {
            for (const { caller } of chunk) errors.set(caller, error as Error);
          }
        }),
      );
    }
    for (const caller of callers) {
      const refused = refusals.get(caller);
      const error = errors.get(caller);
      if (error) caller.reject(error);
      else if (refused)
        caller.reject(
          new EventPublishError(
            `${this.busName} rejected ${refused.length} of ${caller.events.length} events: ${refused.join('; ')}`,
          ),
        );
      else caller.resolve();
    }
  }

  /**
   * The event as the bus will carry it, and its size: whole when it fits, else a claim check. Sized
   * by its EventBridge-shaped JSON, which is the SNS message locally and more than PutEvents counts
   * (source, detail-type, detail and time only), so never too little.
   */
  private async onTheWire(event: FabricEvent): Promise<{ wire: WireEvent; size: number }> {
    const whole = toWireEvent(event);
    const size = wireSize(whole);
    if (!needsClaimCheck(size)) return { wire: whole, size };
    if (!this.claimChecks)
      throw new EventTooLargeError(
        `${event.detailType} ${event.id} is ${size} bytes; the bus takes ${EVENT_BUS_MAX_BYTES} and no claim-check bucket is configured`,
      );
    const wire = await this.claimChecks.check(whole);
    const claimedSize = wireSize(wire);
    // Only the fields the routing rules match on stay beside the pointer; were they the bulk, the bus still could not take it.
    if (needsClaimCheck(claimedSize))
      throw new EventTooLargeError(
        `${event.detailType} ${event.id} is ${claimedSize} bytes even as a claim check; the bus takes ${EVENT_BUS_MAX_BYTES}`,
      );
    return { wire, size: claimedSize };
  }
}

function wireSize(wire: WireEvent): number {
  return Buffer.byteLength(JSON.stringify(wire));
}

/** In AWS: PutEvents to the fabric bus. */
export class EventBridgePublisher extends CoalescingPublisher {
  constructor(eventBusName: string, client: EventBridgeClient = eventBridgeClient(), claimChecks?: ClaimCheckStore) {
    super('EventBridge', (events) => putEvents(client, eventBusName, events), claimChecks);
  }
}

async function putEvents(
  client: EventBridgeClient,
  eventBusName: string,
  events: readonly WireEvent[],
): Promise<Verdicts> {
  const result = await client.send(
    new PutEventsCommand({
      Entries: events.map((wire) => {
        return {
          EventBusName: eventBusName,
          Source: wire.source,
          DetailType: wire['detail-type'],
          Time: new Date(wire.time),
          Detail: JSON.stringify(wire.detail),
        };
      }),
    }),
  );
  // PutEvents answers entry by entry, in the order sent.
  return events.map((_, i) => {
    const entry = result.Entries?.[i];
    return entry?.ErrorCode ? `${entry.ErrorCode}: ${entry.ErrorMessage}` : undefined;
  });
}

/**
 * Makes the publisher of the local runtime's SNS topic. In AWS only EventBridge is bundled; the local
 * runtime registers its SNS transport (shared/adapters/sns-bus-publisher.ts) before it loads a handler.
 */
export type LocalBusTransport = (topicArn: string, claimChecks: ClaimCheckStore | undefined) => EventPublisher;

// On the global object rather than in this module: a test that resets its modules (a cold start) loads
// the handlers, and this module with them, afresh, and they must still find the runtime's transport.
const LOCAL_BUS_TRANSPORT = Symbol.for('retail-fabric.local-bus-transport');
const registry = globalThis as { [LOCAL_BUS_TRANSPORT]?: LocalBusTransport };

/** Called by the local runtime, which sets FABRIC_EVENT_TOPIC_ARN: publishers made from then on use `transport`. */
export function registerLocalBusTransport(transport: LocalBusTransport): void {
  registry[LOCAL_BUS_TRANSPORT] = transport;
}

/**
 * Chooses the transport from configuration: the bus name in AWS, the topic ARN locally (through the
 * transport the local runtime registered); and the claim-check bucket, which every publisher is bound
 * to (infra/capability-stack.ts, and locally every function gets every bucket).
 */
export function eventPublisherFromEnv(env: NodeJS.ProcessEnv = process.env): EventPublisher {
  const bucket = env[bucketEnvVar('eventClaimChecks')];
  const claimChecks = bucket ? new S3EventClaimChecks(bucket) : undefined;
  if (env.FABRIC_EVENT_BUS_NAME)
    return new EventBridgePublisher(env.FABRIC_EVENT_BUS_NAME, eventBridgeClient(), claimChecks);
  if (env.FABRIC_EVENT_TOPIC_ARN) {
    const localTransport = registry[LOCAL_BUS_TRANSPORT];
    if (!localTransport)
      throw new Error(
        'FABRIC_EVENT_TOPIC_ARN names the local SNS topic, whose transport only the local runtime registers (registerLocalBusTransport)',
      );
    return localTransport(env.FABRIC_EVENT_TOPIC_ARN, claimChecks);
  }
  throw new Error('FABRIC_EVENT_BUS_NAME (AWS) or FABRIC_EVENT_TOPIC_ARN (local) is required');
}
