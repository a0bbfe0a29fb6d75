/**
 * The dead-letter queues page's view logic: the API's answers (GET /dead-letter-queues, GET
 * /dead-letter-queues/{rule}/messages, POST /dead-letter-queues/{rule}/redrive) and how the page orders,
 * filters and words them. Pure, for the unit tests.
 */

import type {
  DeadLetterQueueDepth,
  DeadLetterQueuesAnswer,
  HeldFilters,
  HeldMessageView as HeldMessage,
  HeldMessagesAnswer as Peek,
  ProcessedStatus,
  RedriveAnswer as Redrive,
} from '../../../shared/operations/dead-letters';

export type { DeadLetterQueueDepth, DeadLetterQueuesAnswer, HeldFilters, HeldMessage, Peek, ProcessedStatus, Redrive };

/** The filters `ops dlq peek|redrive` take, as the API and the page's address carry them. */
export const FILTER_NAMES = ['channel', 'orderId', 'sku'] as const;

/** Queues holding messages first, the fullest first; then the empty ones by name. */
export function sortQueues(queues: readonly DeadLetterQueueDepth[]): DeadLetterQueueDepth[] {
  return [...queues].sort((a, b) => b.depth - a.depth || a.rule.localeCompare(b.rule));
}

export function totalHeld(queues: readonly DeadLetterQueueDepth[]): number {
  return queues.reduce((sum, queue) => sum + queue.depth, 0);
}

/** The filters an address names; empty values are no filter. */
export function filtersFrom(query: URLSearchParams): HeldFilters {
  const filters: HeldFilters = {};
  for (const name of FILTER_NAMES) {
    const value = query.get(name)?.trim();
    if (value) filters[name] = value;
  }
  return filters;
}

/** The filters as query parameters (for the API and the page's address), without the empty ones. */
export function filterQuery(filters: HeldFilters): Record<string, string> {
  return Object.fromEntries(FILTER_NAMES.flatMap((name) => (filters[name] ? [[name, filters[name]]] : [])));
}

export function describeFilters(filters: HeldFilters): string {
  const parts = [
    filters.channel && `channel ${filters.channel}`,
    filters.orderId && `order ${filters.orderId}`,
    filters.sku && `SKU ${filters.sku}`,
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'every held message';
}

/** What a message's processing record says, as an operator must read it before a redrive. */
export function processedLabel(status: ProcessedStatus | undefined): string {
  switch (status) {
    case 'COMPLETED':
      return 'Already processed: a redrive changes nothing';
    case 'INPROGRESS':
      return 'Processing under way';
    case 'EXPIRED':
      return 'Processed, record expired';
    case 'NOT_FOUND':
      return 'Not processed';
    default:
      return 'Not tracked';
  }
}

export function messageKind(message: HeldMessage): string {
  return message.detailType ? `${message.detailType} v${message.schemaVersion ?? 1}` : 'Not a fabric event';
}

/** The order a message is about, when its correlation id is an order id: the page links to it. */
export function orderIdOf(message: HeldMessage): string | undefined {
  return message.correlationId?.startsWith('ord_') ? message.correlationId : undefined;
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** The confirm button's text after a preview. */
export function confirmLabel(preview: Redrive): string {
  return `Redrive ${plural(preview.messages.length, 'message')}`;
}

/** What a dry run found: how many would move, how many of those were already processed, what stays. */
export function previewSummary(preview: Redrive): string {
  const moving = preview.messages.length;
  const done = preview.messages.filter((message) => message.processed === 'COMPLETED').length;
  const staying = preview.examined - moving;
  const sentences = [
    `Would move ${plural(moving, 'message')} of ${preview.examined} held back to ${preview.rule}.`,
    done > 0
      ? `${done} of them ${done === 1 ? 'was' : 'were'} already processed: a redrive changes nothing for ${done === 1 ? 'it' : 'them'}.`
      : '',
    staying > 0 ? `${plural(staying, 'message')} not matching the filters stay held.` : '',
    preview.more ? 'The queue holds more than one request examines: run it again for the rest.' : '',
  ];
  return sentences.filter(Boolean).join(' ');
}

/** What a redrive did, and who did it. */
export function outcomeSummary(outcome: Redrive): string {
  if (outcome.moveTask)
    return `Started moving ${plural(outcome.moved, 'message')} back to ${outcome.rule} (SQS move task ${outcome.moveTask.handle}), as ${outcome.by}.`;
  const kept = outcome.kept > 0 ? `; ${plural(outcome.kept, 'message')} left held` : '';
  return `Moved ${plural(outcome.moved, 'message')} back to ${outcome.rule}${kept}, as ${outcome.by}.`;
}
