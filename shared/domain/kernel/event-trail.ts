/**
 * What happened to each event at each queue, kept per correlation id (an order's id follows it end to
 * end): when the event was raised, when a consumer handled it or failed on it, and why. Logs say the
 * same but expire, scatter over log groups and cannot be asked "where is order X"; the trail can.
 */
export interface TrailEntry {
  correlationId: string;
  eventId: string;
  detailType: string;
  /** When the event was raised (its envelope time). */
  eventTime: string;
  /** The queue the consumer read it from: names the route, and so the consumer. */
  queue: string;
  handledAt: string;
  outcome: 'handled' | 'failed';
  /** The error a failed attempt ended with: what `dlq peek` and `order trace` show as the reason. */
  reason?: string;
  receiveCount: number;
}

export interface OrderTraceStep {
  at: string;
  /** Milliseconds since the first thing known about the order. */
  sinceStartMs: number;
  what: string;
}

/**
 * One timeline from everything known about an order: what its stores recorded (versions, lifecycle
 * moves) and the trail of every event about it. Each trail entry is placed where it was handled and
 * also says how long after the event was raised that was, which is the wait the order spent in that queue.
 */
export function orderTimeline(
  recorded: readonly { at: string; what: string }[],
  trail: readonly TrailEntry[],
): OrderTraceStep[] {
  const steps = [
    ...recorded,
    ...trail.map((entry) => ({
      at: entry.handledAt,
      what:
        `${entry.detailType} ${entry.outcome} at ${entry.queue} after ${Date.parse(entry.handledAt) - Date.parse(entry.eventTime)} ms` +
        (entry.receiveCount > 1 ? ` (attempt ${entry.receiveCount})` : '') +
        (entry.reason ? `: ${entry.reason}` : ''),
    })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  const start = Math.min(
    ...steps.map((step) => Date.parse(step.at)),
    ...trail.map((entry) => Date.parse(entry.eventTime)),
  );
  return steps.map((step) => ({ ...step, sinceStartMs: Date.parse(step.at) - start }));
}
