import type { RoutingRule } from '#events/routing-rules';
import { deadLetterSource, type DeadLetterSource } from '#shared/operations/dead-letter-sources';
import {
  deadLetterPorts,
  deadLetterQueueDepths,
  heldMessageView,
  peekDeadLetters,
  redriveDeadLetters,
  type DeadLetterPorts,
  type HeldMessage,
} from '#shared/operations/dead-letters';
import type { LocalClients, LocalResources } from '../local-fabric/provision';
import type { OpsResources } from './aws-fabric';
import { parseCommand } from './command-line';
import { opsCommands } from './commands';

/** The dead-letter read model over this fabric's queues, as the CLI already knows them (by rule name). */
function portsFor(resources: LocalResources, clients: LocalClients): DeadLetterPorts {
  return deadLetterPorts({
    locate: async ({ name }) => resources.queues[name],
    idempotencyTable: resources.tables.idempotency,
    ordersTable: resources.tables.orders,
    eventTrailTable: resources.tables.eventTrail,
    sqs: clients.sqs,
    s3: clients.s3,
  });
}

function sourceOf(rule: RoutingRule): DeadLetterSource {
  const source = deadLetterSource(rule.name);
  if (!source) throw new Error(`the rule ${rule.name} has no dead-letter queue`);
  return source;
}

/** Depth and age of the oldest message of every DLQ: the first thing to look at when something is stuck. */
export async function listDeadLetterQueues(resources: LocalResources, clients: LocalClients): Promise<void> {
  for (const { rule, depth, oldestAgeSeconds } of await deadLetterQueueDepths(portsFor(resources, clients))) {
    const oldest = oldestAgeSeconds === undefined ? '' : `  oldest ${oldestAgeSeconds} s`;
    console.log(`${`${rule}-dlq`.padEnd(34)} ${String(depth).padStart(6)} message(s)${oldest}`);
  }
}

/** `dlq peek <rule>`: what each held message is, which business key it carries, and whether it was processed. */
export async function peek(resources: LocalResources, clients: LocalClients, argv: string[]): Promise<HeldMessage[]> {
  const {
    args: [rule],
    flags: values,
  } = parseCommand(opsCommands.dlqPeek, argv);
  const { examined, messages } = await peekDeadLetters(sourceOf(rule), portsFor(resources, clients), {
    filters: { channel: values.channel, orderId: values.order, sku: values.sku },
  });
  console.log(`${rule.name}-dlq: ${examined} held, ${messages.length} shown`);
  for (const m of messages) console.log(describe(m));
  return messages;
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
  const outcome = await redriveDeadLetters(sourceOf(rule), portsFor(resources, clients), {
    dryRun: Boolean(values['dry-run']),
    filters: { channel: values.channel, orderId: values.order, sku: values.sku },
    moveTasks: Boolean(resources.aws),
  });
  if (outcome.moveTask) {
    console.log(
      `started moving ${rule.name}-dlq back to ${rule.name} (task ${outcome.moveTask.handle}); follow it in the SQS console or with list-message-move-tasks`,
    );
  } else if (outcome.dryRun) {
    console.log(
      `dry run: would move ${outcome.messages.length} of ${outcome.examined} held message(s) from ${rule.name}-dlq back to ${rule.name}`,
    );
    for (const m of outcome.messages) console.log(describe(m));
  } else {
    console.log(
      `moved ${outcome.moved} message(s) from ${rule.name}-dlq back to ${rule.name}; ${outcome.kept} left held`,
    );
  }
  return { moved: outcome.moved, kept: outcome.kept };
}

function describe(m: HeldMessage): string {
  const view = heldMessageView(m);
  const age = `${Math.round((Date.now() - m.sentAt) / 1000)} s old`;
  if (!view.detailType) return `  ${view.messageId}  ${view.whyHeld} (${age}): ${(view.body ?? '').slice(0, 120)}`;
  const processed =
    view.processed === 'COMPLETED'
      ? 'already processed: a redrive changes nothing'
      : view.processed
        ? `processed: ${view.processed.toLowerCase()}`
        : 'processing not tracked';
  return `  ${view.messageId}  ${view.detailType} v${view.schemaVersion}  correlation ${view.correlationId}  key ${view.businessKey ?? '-'}  ${age}, received ${view.receiveCount}x  ${processed}\n      why held: ${view.whyHeld}`;
}
