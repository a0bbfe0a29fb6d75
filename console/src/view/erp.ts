/**
 * What the ERP page shows, as plain data: the circuit breaker, the sales orders reserved and not yet
 * posted, the documents the ERP refused, and what the ERP queues hold in their DLQs. The shapes are
 * what GET /erp/status answers (shared/operations/erp.ts) and, for the DLQs, GET /dead-letter-queues.
 */
import type { BreakerStatus } from '#domain/erp';
import type { BreakerView, ErpRejection, WaitingSalesOrder } from '../../../shared/operations/erp';
import type { DeadLetterQueueDepth } from './dead-letter-queues';
import { formatAge, formatDuration } from './format';

export type { BreakerView, ErpRejection, ErpStatus, WaitingSalesOrder } from '../../../shared/operations/erp';

/** The routing rules whose queues feed the ERP connector: their DLQs hold the postings that gave up. */
export const ERP_RULES = ['erp-sales-order-posting', 'erp-journal-posting'] as const;

const STATUS_WORDS: Record<BreakerStatus, string> = {
  closed: 'Closed: calls go to the ERP',
  open: 'Open: calls wait for the ERP to recover',
  half_open: 'Half-open: one probe call decides',
};

/** The breaker in words, with how long it has been so. */
export function breakerLabel(breaker: BreakerView, now: Date = new Date()): { text: string; tripped: boolean } {
  const failures =
    breaker.consecutiveFailures > 0 ? `, ${breaker.consecutiveFailures} failures in a row` : ', no failure counted';
  return {
    text: `${STATUS_WORDS[breaker.status]} (for ${formatAge(breaker.since, now)}${failures})`,
    tripped: breaker.status !== 'closed',
  };
}

/** A breaker never written is closed and clean: the page says so rather than showing nothing. */
export function breakersOrClosed(breakers: readonly BreakerView[]): BreakerView[] | 'never tripped' {
  return breakers.length ? [...breakers] : 'never tripped';
}

/** "sales order ord_1", "journal entry sale:ord_1:SHP-1". */
export function documentLabel(rejection: Pick<ErpRejection, 'documentType' | 'documentKey'>): string {
  return `${rejection.documentType.replace(/_/g, ' ')} ${rejection.documentKey}`;
}

/** How a waiting order reads: past its deadline, or how long it has waited. */
export function waitingLabel(order: WaitingSalesOrder, now: Date = new Date()): string {
  if (order.stuck)
    return order.reservedAt ? `stuck: reserved ${formatAge(order.reservedAt, now)} ago` : 'stuck: past its deadline';
  return order.reservedAt ? `reserved ${formatAge(order.reservedAt, now)} ago` : 'reserved';
}

/** The ERP rules' DLQs among every DLQ's depth, in the order the connector's rules are listed. */
export function erpDeadLetters(queues: readonly DeadLetterQueueDepth[]): DeadLetterQueueDepth[] {
  return ERP_RULES.flatMap((rule) => queues.filter((queue) => queue.rule === rule));
}

/** "3 held in its DLQ, the oldest for 2 h 05 min", or that nothing is. */
export function heldLabel(queue: DeadLetterQueueDepth): { text: string; held: boolean } {
  if (queue.depth === 0) return { text: 'nothing held in its DLQ', held: false };
  const oldest =
    queue.oldestAgeSeconds === undefined ? '' : `, the oldest for ${formatDuration(queue.oldestAgeSeconds * 1000)}`;
  return { text: `${queue.depth} held in its DLQ${oldest}`, held: true };
}
