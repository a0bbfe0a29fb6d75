import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { WireEvent, fromWireEvent, type FabricEvent } from '#domain/kernel/event';
import { EventContractError, parseEventBody, type DetailType } from '#events/catalog';
import {
  SqsDeadLetterQueues,
  type ReceivedMessage,
  type WorkQueueLocator,
  type WorkQueueUrls,
} from '#shared/adapters/dead-letter-queues';
import { redeemedBody } from '#shared/adapters/event-claim-checks';
import { DynamoEventTrail } from '#shared/adapters/event-trail';
import { IdempotentExecutor } from '#shared/adapters/idempotency';
import { DynamoOrderVersions } from '#shared/adapters/order-store';
import { ORDER_INTAKE_SCOPE } from '#domain/orders/model';
import { deadLetterSources, type DeadLetterSource } from './dead-letter-sources';

/**
 * What `ops dlq list|peek|redrive` and the dead-letter API both compute: each DLQ's depth, what each
 * held message is and whether its work was in fact done, and moving held messages back to their queue.
 * Looking never loses a message: whatever is received to be inspected is made visible again.
 */

/** Whether a consumer recorded work under a business key: done, under way, aged out, or never. */
export type ProcessedStatus = 'COMPLETED' | 'INPROGRESS' | 'EXPIRED' | 'NOT_FOUND';

export interface DeadLetterPorts {
  queues: SqsDeadLetterQueues;
  trail: Pick<DynamoEventTrail, 'forCorrelation'>;
  processedStatus(scope: string, businessKey: string): Promise<ProcessedStatus>;
  /** A body with the detail its claim check points to loaded back in. */
  redeem(body: string): Promise<string>;
}

/** The adapters over a fabric's queues, idempotency records, stored order versions, event trail and claim checks. */
export function deadLetterPorts(options: {
  locate: WorkQueueLocator;
  idempotencyTable: string;
  ordersTable: string;
  eventTrailTable: string;
  sqs?: SQSClient;
  s3?: S3Client;
}): DeadLetterPorts {
  const executors = new Map<string, IdempotentExecutor>();
  const orderVersions = new DynamoOrderVersions(options.ordersTable);
  return {
    queues: new SqsDeadLetterQueues(options.locate, options.sqs),
    trail: new DynamoEventTrail(options.eventTrailTable),
    processedStatus(scope, businessKey) {
      if (scope === ORDER_INTAKE_SCOPE) return orderVersions.processedStatus(businessKey);
      let executor = executors.get(scope);
      if (!executor) {
        executor = new IdempotentExecutor(options.idempotencyTable, scope);
        executors.set(scope, executor);
      }
      return executor.statusOf(businessKey);
    },
    redeem: (body) => redeemedBody(body, options.s3),
  };
}

export class UnknownDeadLetterQueueError extends Error {
  override name = 'UnknownDeadLetterQueueError';
}

export interface DeadLetterQueueDepth {
  /** The routing rule (or inbound queue) whose DLQ this is. */
  rule: string;
  depth: number;
  /** Age of the oldest of the first messages sampled; absent when the DLQ is empty. */
  oldestAgeSeconds?: number;
}

/** GET /dead-letter-queues: every DLQ's depth. */
export interface DeadLetterQueuesAnswer {
  queues: DeadLetterQueueDepth[];
}

/** How many held messages are sampled for the oldest one's age: a glance, not a read of the whole queue. */
const AGE_SAMPLE = 10;

/**
 * Depth of every DLQ this fabric has, and the age of the oldest of a sample of its messages: the
 * first thing to look at when something is stuck. The sampled messages are made visible again at once.
 */
export async function deadLetterQueueDepths(
  ports: Pick<DeadLetterPorts, 'queues'>,
  now: Date = new Date(),
): Promise<DeadLetterQueueDepth[]> {
  const depths = await Promise.all(
    deadLetterSources.map(async (source): Promise<DeadLetterQueueDepth | undefined> => {
      const urls = await ports.queues.urlsOf(source);
      if (!urls) return undefined;
      const depth = await ports.queues.depth(urls);
      if (depth === undefined) return undefined;
      if (depth === 0) return { rule: source.name, depth };
      const sample = await ports.queues.receive(urls, AGE_SAMPLE);
      await ports.queues.release(urls, sample);
      if (sample.length === 0) return { rule: source.name, depth };
      const oldest = Math.min(...sample.map((m) => m.sentAt));
      return { rule: source.name, depth, oldestAgeSeconds: Math.max(0, Math.round((now.getTime() - oldest) / 1000)) };
    }),
  );
  return depths.filter((depth) => depth !== undefined);
}

/** A message held in a DLQ, decoded as far as it is a fabric event. */
export interface HeldMessage extends ReceivedMessage {
  event?: FabricEvent;
  /** Why no consumer could ever process it as it stands, when that shows in the message itself. */
  problem?: string;
  /** The error its consumer's last attempt ended with, from the event trail. */
  lastFailure?: string;
  businessKey?: string;
  processed?: ProcessedStatus;
}

/** Which held messages an operator means; an absent filter matches everything. */
export interface HeldFilters {
  channel?: string;
  orderId?: string;
  sku?: string;
}

export interface Inspection {
  /** Messages received and decoded. */
  examined: number;
  /** Whether the DLQ may hold more than were examined (the limit was reached). */
  more: boolean;
  /** The examined messages the filters match. */
  messages: HeldMessage[];
}

/**
 * `dlq peek`: what each held message is, the business key it carries, whether its consumer already did
 * that work and why it is held, for the messages the filters match among at most `limit` examined.
 * Every message examined is made visible again before this returns.
 */
export async function peekDeadLetters(
  source: DeadLetterSource,
  ports: DeadLetterPorts,
  { filters = {}, limit = Number.POSITIVE_INFINITY }: { filters?: HeldFilters; limit?: number } = {},
): Promise<Inspection> {
  const urls = await queuesOf(source, ports);
  const held = await inspect(source, urls, ports, limit);
  await ports.queues.release(urls, held);
  return { examined: held.length, more: held.length === limit, messages: held.filter((m) => matches(m, filters)) };
}

export interface RedriveRequest {
  /** Only say what would move. */
  dryRun: boolean;
  filters?: HeldFilters;
  /**
   * Where SQS runs message move tasks (a deployed region): a redrive of everything starts one, which SQS
   * runs to completion however many messages are held, instead of moving them one by one.
   */
  moveTasks?: boolean;
  /** At most this many held messages are examined (and so moved) by one redrive. */
  limit?: number;
}

export interface RedriveOutcome extends Inspection {
  dryRun: boolean;
  /** Messages moved back to the work queue (none in a dry run); for a move task, what the DLQ held when it started. */
  moved: number;
  /** Examined messages left in the DLQ. */
  kept: number;
  /** The SQS message move task started, when the whole queue went that way. */
  moveTask?: { handle: string };
}

/**
 * `dlq redrive`: moves the held messages the filters match back to their work queue (send, then
 * delete), leaving the rest held; `messages` are those moved, or in a dry run those that would move.
 * Safe to repeat: a moved message is gone from the DLQ, and consumers are idempotent on business keys,
 * so one whose work was in fact done changes nothing (`processed: 'COMPLETED'` says so beforehand).
 */
export async function redriveDeadLetters(
  source: DeadLetterSource,
  ports: DeadLetterPorts,
  { dryRun, filters = {}, moveTasks = false, limit = Number.POSITIVE_INFINITY }: RedriveRequest,
): Promise<RedriveOutcome> {
  const urls = await queuesOf(source, ports);
  if (moveTasks && !dryRun && !filtered(filters)) {
    const depth = await ports.queues.depth(urls);
    if (depth === undefined) throw noQueuesFor(source);
    const handle = await ports.queues.startMoveTask(urls);
    return { dryRun, examined: 0, more: depth > 0, messages: [], moved: depth, kept: 0, moveTask: { handle } };
  }
  const held = await inspect(source, urls, ports, limit);
  const chosen = held.filter((m) => matches(m, filters));
  const others = held.filter((m) => !chosen.includes(m));
  const more = held.length === limit;
  if (dryRun) {
    await ports.queues.release(urls, held);
    return { dryRun, examined: held.length, more, messages: chosen, moved: 0, kept: held.length };
  }
  await ports.queues.release(urls, others);
  for (const m of chosen) await ports.queues.sendBack(urls, m);
  return { dryRun, examined: held.length, more, messages: chosen, moved: chosen.length, kept: others.length };
}

async function queuesOf(source: DeadLetterSource, ports: Pick<DeadLetterPorts, 'queues'>): Promise<WorkQueueUrls> {
  const urls = await ports.queues.urlsOf(source);
  if (!urls) throw noQueuesFor(source);
  return urls;
}

function noQueuesFor(source: DeadLetterSource): UnknownDeadLetterQueueError {
  return new UnknownDeadLetterQueueError(`this fabric has no queues for the rule ${source.name}`);
}

function filtered(filters: HeldFilters): boolean {
  return Boolean(filters.channel || filters.orderId || filters.sku);
}

/** Receives up to `limit` held messages (hidden for a minute) and decodes each as far as it goes. */
async function inspect(
  source: DeadLetterSource,
  urls: WorkQueueUrls,
  ports: DeadLetterPorts,
  limit: number,
): Promise<HeldMessage[]> {
  const held: HeldMessage[] = await ports.queues.receive(urls, limit);
  const rule = source.rule;
  // A channel's own notification (an inbound queue) is not a fabric event: there is nothing to decode.
  if (!rule) return held;
  for (const m of held) {
    // A held claim check is judged by the event it stands for; a redrive still sends the pointer.
    const body = await ports.redeem(m.message.Body ?? '');
    m.problem = contractProblem(body);
    const wire = WireEvent.safeParse(safeJson(body));
    if (!wire.success) continue;
    const event = fromWireEvent(wire.data);
    m.event = event;
    m.businessKey = rule.processedOnce?.businessKey(event);
    if (rule.processedOnce && m.businessKey)
      m.processed = await ports.processedStatus(rule.processedOnce.scope, m.businessKey);
    const attempts = (await ports.trail.forCorrelation(event.correlationId)).filter(
      (entry) => entry.eventId === event.id && entry.outcome === 'failed' && entry.queue.endsWith(rule.target.name),
    );
    m.lastFailure = attempts.at(-1)?.reason;
  }
  return held;
}

/** Whether a held message is about the channel, order and SKU asked for. Undecoded messages match no filter. */
export function matches(m: HeldMessage, filters: HeldFilters): boolean {
  if (!filtered(filters)) return true;
  if (!m.event) return false;
  const data = m.event.data;
  if (filters.channel && !valuesOf(data, 'channel').includes(filters.channel)) return false;
  if (
    filters.orderId &&
    m.event.correlationId !== filters.orderId &&
    !valuesOf(data, 'orderId').includes(filters.orderId)
  )
    return false;
  if (filters.sku && !valuesOf(data, 'sku').includes(filters.sku)) return false;
  return true;
}

/** Every value of a key anywhere in a payload: channel, orderId and sku sit at different depths per event. */
function valuesOf(node: unknown, key: string): unknown[] {
  if (Array.isArray(node)) return node.flatMap((child) => valuesOf(child, key));
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([k, v]) => (k === key ? [v, ...valuesOf(v, key)] : valuesOf(v, key)));
}

/**
 * A message that breaks the event contract fails every time: say how. One that honours it failed for
 * a reason outside it (a downstream fault, a conflict), which the consumer's logs carry under the
 * event's correlation id.
 */
function contractProblem(body: string): string | undefined {
  const detailType = (safeJson(body) as { 'detail-type'?: string } | undefined)?.['detail-type'] ?? '';
  try {
    parseEventBody(body, detailType as DetailType);
    return undefined;
  } catch (error) {
    if (error instanceof SyntaxError) return 'the body is not JSON';
    if (error instanceof EventContractError)
      return `${error.message}: ${error.issues.map((i) => `${i.path} ${i.message}`).join('; ')}`;
    return (error as Error).message;
  }
}

function safeJson(text: string | undefined): unknown {
  try {
    return JSON.parse(text ?? '');
  } catch {
    return undefined;
  }
}

/** How much of a body that is not a fabric event is shown: enough to recognise it. */
const BODY_PREVIEW_CHARS = 300;

/** A held message as the API answers it and the CLI prints it: plain data, no receipt handle. */
export interface HeldMessageView {
  messageId: string;
  sentAt: string;
  receiveCount: number;
  detailType?: string;
  schemaVersion?: number;
  eventId?: string;
  /** The order id for every order event; `sku:<sku>` and the like for others. */
  correlationId?: string;
  businessKey?: string;
  processed?: ProcessedStatus;
  /** Why it is held, as far as the message and the event trail tell. */
  whyHeld: string;
  /** The start of the body, when it is not a fabric event. */
  body?: string;
}

/** GET /dead-letter-queues/{rule}/messages: the inspection, its messages as views. */
export interface HeldMessagesAnswer extends Omit<Inspection, 'messages'> {
  rule: string;
  messages: HeldMessageView[];
}

/** POST /dead-letter-queues/{rule}/redrive: the outcome, who asked for it, its messages as views. */
export interface RedriveAnswer extends Omit<RedriveOutcome, 'messages'> {
  rule: string;
  by: string;
  messages: HeldMessageView[];
}

export function heldMessageView(m: HeldMessage): HeldMessageView {
  return {
    messageId: m.message.MessageId ?? '',
    sentAt: new Date(m.sentAt).toISOString(),
    receiveCount: m.receiveCount,
    ...(m.event
      ? {
          detailType: m.event.detailType,
          schemaVersion: m.event.schemaVersion,
          eventId: m.event.id,
          correlationId: m.event.correlationId,
        }
      : { body: (m.message.Body ?? '').slice(0, BODY_PREVIEW_CHARS) }),
    ...(m.businessKey ? { businessKey: m.businessKey } : {}),
    ...(m.processed ? { processed: m.processed } : {}),
    whyHeld: whyHeld(m),
  };
}

function whyHeld(m: HeldMessage): string {
  if (m.problem) return m.problem;
  if (m.lastFailure) return `its consumer's last attempt failed with ${m.lastFailure}`;
  if (m.event) return 'the event is valid: the consumer failed it at run time, see its logs under this correlation id';
  return 'its consumer failed on this channel notification: see its logs for this message id';
}
