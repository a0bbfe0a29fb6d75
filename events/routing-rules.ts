import { DetailType, EventSource } from './catalog';

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

export interface RoutingRule {
  name: string;
  description: string;
  pattern: EventPattern;
  target: QueueTarget;
  /** The function (see shared/config/topology.ts) that consumes the target queue. */
  consumer: string;
}

/** Every route from the bus to a consumer. Read by the CDK event backbone and by the local runtime. */
export const routingRules: readonly RoutingRule[] = [
  {
    name: 'order-intake',
    description: 'Canonical orders from every channel to the order store.',
    pattern: { source: [EventSource.intake], 'detail-type': ['OrderReceived'] },
    target: { name: 'order-intake', batchSize: 10, maxBatchingWindowSeconds: 1, maxReceiveCount: 5, visibilityTimeoutSeconds: 180 },
    consumer: 'order-intake',
  },
];

const SUPPORTED_OPERATORS = new Set(['prefix', 'anything-but', 'exists', 'numeric']);

/**
 * Renders a rule's pattern as an SNS filter policy (MessageBody scope). Throws on an operator SNS
 * cannot evaluate, so a rule that would behave differently locally fails at startup, not silently.
 */
export function toSnsFilterPolicy(pattern: EventPattern): string {
  assertPortable(pattern, 'pattern');
  return JSON.stringify(pattern);
}

function assertPortable(node: unknown, path: string): void {
  if (Array.isArray(node)) {
    for (const matcher of node) {
      if (matcher !== null && typeof matcher === 'object') {
        for (const operator of Object.keys(matcher)) {
          if (!SUPPORTED_OPERATORS.has(operator)) {
            throw new Error(`${path}: operator "${operator}" is not portable between EventBridge and SNS`);
          }
        }
      }
    }
    return;
  }
  if (node !== null && typeof node === 'object') {
    for (const [key, child] of Object.entries(node)) assertPortable(child, `${path}.${key}`);
  }
}
