import * as z from '#domain/kernel/schema';
import type { OrderFeed, PulledPage, PullWindow } from '#domain/intake/order-pull';
import { readListedOrders } from '../listed-orders';
import type { WooCommerceRestApi } from './inventory-api';
import { WooCommerceOrderPayload } from './woocommerce-order.schema';
import { wooCommerceOrderMapper } from './woocommerce-webhook.adapter';

/** GET /orders' largest page (per_page). */
export const WOOCOMMERCE_ORDERS_PAGE_LIMIT = 100;

/** A GMT timestamp to the second, as WooCommerce writes and reads them with `dates_are_gmt`. */
const gmtSecond = (ms: number) => new Date(ms).toISOString().slice(0, 19);
const GMT_SECOND = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/;

/** Where the next page starts: orders modified strictly after `after`, page `page` of that query. */
const Position = z.object({
  after: z.string().check(z.regex(GMT_SECOND)),
  page: z.number().check(z.int(), z.positive()),
});
type Position = z.infer<typeof Position>;

/**
 * WooCommerce stores modification times to the second and compares modified_after/modified_before
 * strictly, so the window is widened to whole seconds on both sides; what that adds is seen again
 * and counted as a duplicate.
 */
function firstPosition(window: PullWindow): Position {
  return { after: gmtSecond(Math.floor(Date.parse(window.from) / 1000) * 1000 - 1000), page: 1 };
}

/**
 * Page numbers shift when an order of the window is modified (it leaves the window) while the pull
 * reads it, which would skip an order on the next page. So each next page starts again after the
 * second before the last order listed (keyset paging; the orders of that second are listed again, as
 * duplicates), and only a page whose orders all share one second moves on by page number.
 */
function nextPosition(position: Position, listed: readonly unknown[], more: boolean): Position | undefined {
  if (!more) return undefined;
  const modified = listed
    .map((order) => (order as { date_modified_gmt?: unknown } | null)?.date_modified_gmt)
    .filter((value): value is string => typeof value === 'string' && GMT_SECOND.test(value))
    .sort();
  const last = modified.at(-1);
  const after = last ? gmtSecond(Date.parse(`${last}Z`) - 1000) : position.after;
  return after > position.after ? { after, page: 1 } : { after: position.after, page: position.page + 1 };
}

/**
 * WooCommerce orders modified in the window, oldest modification first, `pageSize` a page, for as
 * long as X-WP-TotalPages says there are more (or, without it, while pages come back full). Each
 * order comes in the order webhook's shape and maps through the same mapper; its version is
 * `date_modified_gmt`, the part of the webhook's dedupe key that changes per version. Dates are sent
 * as GMT without an offset, as `dates_are_gmt` reads them.
 */
export function wooCommerceOrderFeed(
  api: WooCommerceRestApi,
  { connector, pageSize = WOOCOMMERCE_ORDERS_PAGE_LIMIT }: { connector: string; pageSize?: number },
): OrderFeed<WooCommerceOrderPayload> {
  return {
    channel: 'woocommerce',
    connector,
    mapper: wooCommerceOrderMapper,
    async fetchPage(window, page): Promise<PulledPage<WooCommerceOrderPayload>> {
      const position = page ? Position.parse(JSON.parse(page)) : firstPosition(window);
      const query = new URLSearchParams({
        modified_after: position.after,
        modified_before: gmtSecond(Math.ceil(Date.parse(window.to) / 1000) * 1000),
        dates_are_gmt: 'true',
        orderby: 'modified',
        order: 'asc',
        per_page: String(pageSize),
        page: String(position.page),
      });
      const { orders: raw, totalPages } = await api.listOrders(query);
      const listed = z.array(z.unknown()).parse(raw);
      const orders = readListedOrders(listed, WooCommerceOrderPayload, {
        idField: 'id',
        id: (order) => String(order.id),
        version: (order) => order.date_modified_gmt,
      });
      // Without X-WP-TotalPages, a full page may have more behind it: asking once more costs one call.
      const more = totalPages === undefined ? listed.length >= pageSize : position.page < totalPages;
      const next = nextPosition(position, listed, more);
      return { orders, raw, ...(next ? { nextPage: JSON.stringify(next) } : {}) };
    },
  };
}
