import * as z from '#domain/kernel/schema';
import type { OrderFeed, PulledPage } from '#domain/intake/order-pull';
import { readListedOrders } from '../listed-orders';
import type { WalmartOrdersApi } from './walmart-api.client';
import { walmartOrderMapper, walmartOrderVersion } from './walmart-order.mapper';
import { WalmartOrder } from './walmart-order.schema';

/** The largest `limit` Walmart takes on GET /v3/orders. */
export const WALMART_ORDERS_PAGE_LIMIT = 200;

/** The list answer of GET /v3/orders: `meta.nextCursor` is absent (or empty) on the last page. */
const WalmartOrderList = z.object({
  list: z.object({
    meta: z.object({ totalCount: z.optional(z.number()), nextCursor: z.nullish(z.string()) }),
    elements: z._default(z.object({ order: z._default(z.array(z.unknown()), []) }), { order: [] }),
  }),
});

/**
 * Walmart purchase orders modified in the window (lastModifiedStartDate/lastModifiedEndDate), paged by
 * the cursor Walmart answers in `meta.nextCursor`, which is the next page's whole query string. Each
 * order is the same purchase order GET /v3/orders/{id} answers and maps through the same mapper; its
 * version is the latest of its order date and its lines' status dates, as the mapper stamps it.
 */
export function walmartOrderFeed(
  api: WalmartOrdersApi,
  { connector, pageSize = WALMART_ORDERS_PAGE_LIMIT }: { connector: string; pageSize?: number },
): OrderFeed<WalmartOrder> {
  return {
    channel: 'walmart',
    connector,
    mapper: walmartOrderMapper,
    async fetchPage(window, page): Promise<PulledPage<WalmartOrder>> {
      const query =
        page ??
        new URLSearchParams({
          lastModifiedStartDate: window.from,
          lastModifiedEndDate: window.to,
          limit: String(pageSize),
        }).toString();
      const raw = await api.listOrders(query);
      const { list } = WalmartOrderList.parse(raw);
      const orders = readListedOrders(list.elements.order, WalmartOrder, {
        idField: 'purchaseOrderId',
        id: (order) => order.purchaseOrderId,
        version: walmartOrderVersion,
      });
      const next = list.meta.nextCursor;
      return { orders, raw, ...(next && list.elements.order.length > 0 ? { nextPage: next } : {}) };
    },
  };
}
