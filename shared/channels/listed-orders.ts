import { createHash } from 'node:crypto';
import type * as z from '#domain/kernel/schema';
import type { PulledPage } from '#domain/intake/order-pull';
import { formatIssues } from '#domain/kernel/validation';

export type ListedOrder<T> = PulledPage<T>['orders'][number];

/**
 * Reads each order a channel's search listed with the channel's order schema: a valid one with its id
 * and version, one that does not parse as `invalid` under the id it carries (`idField`), or, when even
 * that is unreadable, under a hash of what was listed, so the same bad entry listed again keeps its id.
 */
export function readListedOrders<T>(
  candidates: readonly unknown[],
  schema: z.ZodMiniType<T>,
  read: { idField: string; id: (order: T) => string; version: (order: T) => string },
): ListedOrder<T>[] {
  return candidates.map((candidate) => {
    const parsed = schema.safeParse(candidate);
    if (parsed.success)
      return {
        kind: 'order' as const,
        channelOrderId: read.id(parsed.data),
        version: read.version(parsed.data),
        payload: parsed.data,
      };
    const id = (candidate as Record<string, unknown> | null)?.[read.idField];
    return {
      kind: 'invalid' as const,
      channelOrderId:
        (typeof id === 'string' && id) || typeof id === 'number'
          ? String(id)
          : `unreadable-${createHash('sha256')
              .update(JSON.stringify(candidate) ?? '')
              .digest('hex')
              .slice(0, 16)}`,
      issues: formatIssues(parsed.error),
    };
  });
}
