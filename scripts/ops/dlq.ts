import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  StartMessageMoveTaskCommand,
  type Message,
} from '@aws-sdk/client-sqs';
import type { RoutingRule } from '#events/routing-rules';
import { WireEvent, fromWireEvent, type FabricEvent } from '#domain/kernel/event';
import { EventContractError, parseEventBody, type DetailType } from '#events/catalog';
import { DynamoEventTrail } from '#shared/adapters/event-trail';
import { redeemedBody } from '#shared/adapters/event-claim-checks';
import { IdempotentExecutor } from '#shared/adapters/idempotency';
import type { LocalClients, LocalResources } from '../local-fabric/provision';
import type { OpsResources } from './aws-fabric';
import { parseCommand } from './command-line';
import { opsCommands } from './commands';

/** Depth and age of the oldest message of every DLQ: the first thing to look at when something is stuck. */
export async function listDeadLetterQueues(resources: LocalResources, clients: LocalClients): Promise<void> {
  for (const [rule, queues] of Object.entries(resources.queues)) {
    const { Attributes = {} } = await clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queues.dlqUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    const depth = Number(Attributes.ApproximateNumberOfMessages ?? 0);
    let oldest = '';
    if (depth) {
      const held = await readHeld(clients, queues.dlqUrl, 10);
      await release(clients, queues.dlqUrl, held);
      oldest = `  oldest ${Math.round((Date.now() - Math.min(...held.map((m) => m.sentAt))) / 1000)} s`;
    }
    console.log(`${`${rule}-dlq`.padEnd(34)} ${String(depth).padStart(6)} message(s)${oldest}`);
  }
}

/** A message held in a DLQ, decoded as far as it is a fabric event. */
export interface HeldMessage {
  message: Message;
  sentAt: number;
  receiveCount: number;
  event?: FabricEvent;
  /** Why no consumer could ever process it as it stands, when that shows in the message itself. */
  problem?: string;
  /** The error its consumer's last attempt ended with, from the event trail. */
  lastFailure?: string;
  businessKey?: string;
  processed?: 'COMPLETED' | 'INPROGRESS' | 'EXPIRED' | 'NOT_FOUND';
}

export interface HeldFilters {
  channel?: string;
  orderId?: string;
  sku?: string;
}

/** `dlq peek <rule>`: what each held message is, which business key it carries, and whether it was processed. */
export async function peek(resources: LocalResources, clients: LocalClients, argv: string[]): Promise<HeldMessage[]> {
  const {
    args: [rule],
    flags: values,
  } = parseCommand(opsCommands.dlqPeek, argv);
  const queues = ruleQueues(resources, rule);
  const held = await inspectHeld(clients, queues.dlqUrl, rule, resources);
  await release(clients, queues.dlqUrl, held);
  const shown = held.filter((m) => matches(m, { channel: values.channel, orderId: values.order, sku: values.sku }));
  console.log(`${rule.name}-dlq: ${held.length} held, ${shown.length} shown`);
  for (const m of shown) console.log(describe(m));
  return shown;
}

/**
 * `dlq redrive <rule> [--dry-run] [--channel c] [--order id] [--sku s]`: moves the held messages that
 * match back to their source queue (receive, send, delete: what the console's redrive does, with
 * filters). Safe to run twice: a redriven message is gone from the DLQ, and consumers are idempotent
 * on business keys, so one that was in fact processed changes nothing. In a deployed region, a redrive
 * of everything starts an SQS message move task instead, the console's own mechanism, which SQS runs
 * to completion however many messages are held; `moved` is then what the DLQ held when it started.
 */
export async function redrive(
  resources: OpsResources,
  clients: LocalClients,
  argv: string[],
): Promise<{ moved: number; kept: number }> {
  const {
    args: [rule],
    flags: values,
  } = parseCommand(opsCommands.dlqRedrive, argv);
  const queues = ruleQueues(resources, rule);
  const filtered = Boolean(values.channel || values.order || values.sku);
  if (resources.aws && !filtered && !values['dry-run']) {
    const { Attributes = {} } = await clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queues.dlqUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    const { TaskHandle } = await clients.sqs.send(
      new StartMessageMoveTaskCommand({ SourceArn: queues.dlqArn, DestinationArn: queues.arn }),
    );
    console.log(
      `started moving ${rule.name}-dlq back to ${rule.name} (task ${TaskHandle}); follow it in the SQS console or with list-message-move-tasks`,
    );
    return { moved: Number(Attributes.ApproximateNumberOfMessages ?? 0), kept: 0 };
  }
  const held = await inspectHeld(clients, queues.dlqUrl, rule, resources);
  const chosen = held.filter((m) => matches(m, { channel: values.channel, orderId: values.order, sku: values.sku }));
  const others = held.filter((m) => !chosen.includes(m));
  if (values['dry-run']) {
    await release(clients, queues.dlqUrl, held);
    console.log(
      `dry run: would move ${chosen.length} of ${held.length} held message(s) from ${rule.name}-dlq back to ${rule.name}`,
    );
    for (const m of chosen) console.log(describe(m));
    return { moved: 0, kept: held.length };
  }
  await release(clients, queues.dlqUrl, others);
  for (const m of chosen) {
    await clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: queues.url,
        MessageBody: m.message.Body!,
        MessageAttributes: m.message.MessageAttributes,
      }),
    );
    await clients.sqs.send(
      new DeleteMessageCommand({ QueueUrl: queues.dlqUrl, ReceiptHandle: m.message.ReceiptHandle! }),
    );
  }
  console.log(
    `moved ${chosen.length} message(s) from ${rule.name}-dlq back to ${rule.name}; ${others.length} left held`,
  );
  return { moved: chosen.length, kept: others.length };
}

function ruleQueues(resources: LocalResources, rule: RoutingRule): LocalResources['queues'][string] {
  const queues = resources.queues[rule.name];
  if (!queues) throw new Error(`this fabric has no queues for the rule ${rule.name}`);
  return queues;
}

/** Receives every held message (hiding them for a minute) and decodes each as far as it goes. */
async function inspectHeld(
  clients: LocalClients,
  dlqUrl: string,
  rule: RoutingRule,
  resources: LocalResources,
): Promise<HeldMessage[]> {
  const held = await readHeld(clients, dlqUrl);
  const executor = rule.processedOnce
    ? new IdempotentExecutor(resources.tables.idempotency, rule.processedOnce.scope)
    : undefined;
  const trail = new DynamoEventTrail(resources.tables.eventTrail);
  for (const m of held) {
    // A held claim check is judged by the event it stands for; a redrive still sends the pointer.
    const body = await redeemedBody(m.message.Body ?? '', clients.s3);
    m.problem = contractProblem(body);
    const wire = WireEvent.safeParse(safeJson(body));
    if (!wire.success) continue;
    const event = fromWireEvent(wire.data);
    m.event = event;
    m.businessKey = rule.processedOnce?.businessKey(event);
    if (executor && m.businessKey) m.processed = await executor.statusOf(m.businessKey);
    const attempts = (await trail.forCorrelation(event.correlationId)).filter(
      (entry) => entry.eventId === event.id && entry.outcome === 'failed' && entry.queue.endsWith(rule.target.name),
    );
    m.lastFailure = attempts.at(-1)?.reason;
  }
  return held;
}

async function readHeld(
  clients: LocalClients,
  queueUrl: string,
  limit = Number.POSITIVE_INFINITY,
): Promise<HeldMessage[]> {
  const held: HeldMessage[] = [];
  while (held.length < limit) {
    const { Messages = [] } = await clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 60,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) break;
    held.push(
      ...Messages.map((message) => ({
        message,
        sentAt: Number(message.Attributes?.SentTimestamp ?? Date.now()),
        receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 0),
      })),
    );
  }
  return held;
}

/** Makes inspected messages visible again at once, as if nobody had looked. */
async function release(clients: LocalClients, queueUrl: string, held: HeldMessage[]): Promise<void> {
  for (let i = 0; i < held.length; i += 10) {
    await clients.sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queueUrl,
        Entries: held
          .slice(i, i + 10)
          .map((m, j) => ({ Id: String(j), ReceiptHandle: m.message.ReceiptHandle!, VisibilityTimeout: 0 })),
      }),
    );
  }
}

export function matches(m: HeldMessage, filters: HeldFilters): boolean {
  if (!filters.channel && !filters.orderId && !filters.sku) return true;
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

function describe(m: HeldMessage): string {
  const age = `${Math.round((Date.now() - m.sentAt) / 1000)} s old`;
  if (!m.event) return `  ${m.message.MessageId}  ${m.problem} (${age}): ${(m.message.Body ?? '').slice(0, 120)}`;
  const processed =
    m.processed === 'COMPLETED'
      ? 'already processed: a redrive changes nothing'
      : m.processed
        ? `processed: ${m.processed.toLowerCase()}`
        : 'processing not tracked';
  const why =
    m.problem ??
    (m.lastFailure
      ? `its consumer's last attempt failed with ${m.lastFailure}`
      : 'the event is valid: the consumer failed it at run time, see its logs under this correlation id');
  return `  ${m.message.MessageId}  ${m.event.detailType} v${m.event.schemaVersion}  correlation ${m.event.correlationId}  key ${m.businessKey ?? '-'}  ${age}, received ${m.receiveCount}x  ${processed}\n      why held: ${why}`;
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
