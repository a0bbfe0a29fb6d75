import { z } from 'zod';
import type { OrderFeed, PulledPage, PullWindow } from '#domain/intake/order-pull';
import { readListedOrders } from '../listed-orders';
import type { WooCommerceRestApi } from './inventory-api';
import { WooCommerceOrderPayload } from './woocommerce-order.schema';
import { wooCommerceOrderMapper } from './woocommerce-webhook.adapter';

/** GET /orders' largest page (per_page). */
export const WOOCOMMERCE_ORDERS_PAGE_LIMIT = 100;

/**
 * WooCommerce stores modification times to the second and compares modified_after/modified_before
 * strictly, so the window is widened to whole seconds on both sides; what that adds is seen again
 * and counted as a duplicate. Dates are sent as GMT without an offset, as `dates_are_gmt` reads them.
 */
function gmtSeconds(window: PullWindow): { after: string; before: string } {
  const second = (ms: number) => new Date(ms).toISOString().slice(0, 19);
  return {
    after: second(Math.floor(Date.parse(window.from) / 1000) * 1000 - 1000),
    before: second(Math.ceil(Date.parse(window.to) / 1000) * 1000),
  };
}

/**
 * WooCommerce orders modified in the window, oldest modification first, paged by page number up to
 * X-WP-TotalPages. Each order comes in the order webhook's shape and maps through the same mapper;
 * its version is `date_modified_gmt`, the part of the webhook's dedupe key that changes per version.
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
      const pageNumber = page ? Number(page) : 1;
      const { after, before } = gmtSeconds(window);
      const query = new URLSearchParams({
        modified_after: after,
        modified_before: before,
        dates_are_gmt: 'true',
        orderby: 'modified',
        order: 'asc',
        per_page: String(pageSize),
        page: String(pageNumber),
      });
      const { orders: raw, totalPages } = await api.listOrders(query);
      const listed = z.array(z.unknown()).parse(raw);
      const orders = readListedOrders(listed, WooCommerceOrderPayload, {
        idField: 'id',
        id: (order) => String(order.id),
        version: (order) => order.date_modified_gmt,
      });
      return { orders, raw, ...(pageNumber < totalPages ? { nextPage: String(pageNumber + 1) } : {}) };
    },
  };
}
