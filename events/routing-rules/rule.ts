import type { DetailType, EventData } from '#events/catalog';
import type { FabricEvent } from '#domain/kernel/event';

/**
 * The subset of EventBridge's event-pattern language that SNS body filter policies also understand,
 * so one pattern drives the real bus in AWS and the local topic's subscriptions alike.
 */
export type PatternMatcher =
  | string
  | number
  | { prefix: string }
  | { 'anything-but': string | string[] }
  | { exists: boolean }
  | { numeric: (string | number)[] };

export interface EventPattern {
  source?: string[];
  'detail-type'?: DetailType[];
  detail?: { [key: string]: PatternMatcher[] | EventPattern['detail'] };
}

/** Consumer queue settings: mirrors a Lambda SQS event-source mapping and its queue. */
export interface QueueTarget {
  /** Logical name; the physical name adds the stack or local prefix. */
  name: string;
  batchSize: number;
  maxBatchingWindowSeconds: number;
  /** Receives before a message is given up on and moved to the queue's DLQ. */
  maxReceiveCount: number;
  /** At least six times the consumer's timeout, per AWS's guidance for Lambda event sources. */
  visibilityTimeoutSeconds: number;
  /** Caps concurrent consumers, e.g. to stay within a downstream API's limit. */
  maxConcurrency?: number;
}

/**
 * How a consumer makes itself idempotent: its Powertools idempotency scope (or order-intake's, whose
 * stored order versions answer instead) and the business key it derives from an event. Ops use it to
 * tell, before a redrive, whether a held message was in fact processed already (a timeout after the
 * write, say).
 */
export interface ProcessedOnce {
  scope: string;
  businessKey: (event: FabricEvent) => string | undefined;
}

export interface RoutingRule {
  name: string;
  description: string;
  pattern: EventPattern;
  target: QueueTarget;
  /** The function that consumes the target queue, declared in the same capability's file of shared/config/topology/. */
  consumer: string;
  processedOnce?: ProcessedOnce;
}

/**
 * Once-only processing keyed on the payload of one detail-type, read through the catalog's type for
 * it. An event of another detail-type (none reaches a queue whose rule matches only this one) has no key.
 */
export function keyedOn<T extends DetailType>(
  detailType: T,
  scope: string,
  businessKey: (data: EventData<T>) => string | undefined,
): ProcessedOnce {
  return { scope, businessKey: (event) => (isEventOf(event, detailType) ? businessKey(event.data) : undefined) };
}

function isEventOf<T extends DetailType>(event: FabricEvent, detailType: T): event is FabricEvent<EventData<T>> {
  return event.detailType === detailType;
}
