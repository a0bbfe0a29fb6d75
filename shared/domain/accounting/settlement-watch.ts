import type { AccountingPolicy } from './chart-of-accounts';
import type { EventPublisher } from '#domain/kernel/ports';
import type { OrderLookup } from './journal';
import { reconciliationException } from './settlement-reconciliation';

/** A booked sale of a settling channel that no settlement has named yet, since the day it was booked. */
export interface AwaitingSettlement {
  orderId: string;
  since: string;
}

export interface SettlementWatch {
  awaitingSince(date: string): Promise<AwaitingSettlement[]>;
  /** Takes the order out of the watch once reported; false when another run (or a settlement) did first. */
  markNeverSettledReported(orderId: string, since: string): Promise<boolean>;
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * Raises NEVER_SETTLED for every sale of a settling channel booked `neverSettledAfterDays` or more
 * days ago that no settlement has named, looking back `lookbackDays` days past that cut-off. Each
 * order is reported once: published first, then taken out of the watch (a crash in between reports
 * it again on the next run rather than never).
 */
export async function reportNeverSettled(
  ports: { watch: SettlementWatch; orders: OrderLookup; publisher: EventPublisher; policy: AccountingPolicy },
  now = new Date(),
): Promise<{ reported: number }> {
  const { neverSettledAfterDays, lookbackDays } = ports.policy.settlement;
  let reported = 0;
  for (let back = 0; back < lookbackDays; back += 1) {
    const since = new Date(now.getTime() - (neverSettledAfterDays + back) * DAY_MS).toISOString().slice(0, 10);
    for (const awaiting of await ports.watch.awaitingSince(since)) {
      const found = await ports.orders.getOrder(awaiting.orderId);
      if (!found) continue;
      const { order } = found;
      await ports.publisher.publish([
        reconciliationException(
          {
            reason: 'NEVER_SETTLED',
            channel: order.channel,
            channelOrderId: order.channelOrderId,
            orderId: order.orderId,
            lineNumbers: [],
            expected: order.totals.total,
            detail: `${order.channel} order ${order.channelOrderId} was booked on ${since} and no settlement has named it in ${neverSettledAfterDays} days`,
          },
          { correlationId: order.orderId, causationId: `settlement-watch:${since}` },
        ),
      ]);
      if (await ports.watch.markNeverSettledReported(order.orderId, since)) reported += 1;
    }
  }
  return { reported };
}
