import * as z from '#domain/kernel/schema';
import type { OrderFeed, PulledPage } from '#domain/intake/order-pull';
import { type ListedOrder, readListedOrders } from '../listed-orders';
import { type AmazonOrdersApi, allOrderItemPages, amazonOrderSource } from './amazon-api.client';
import { AmazonOrder, type AmazonOrderPayload } from './amazon-order.schema';

/** getOrders' largest page (MaxResultsPerPage). */
export const AMAZON_ORDERS_PAGE_LIMIT = 100;

const AmazonGetOrdersResponse = z.object({
  payload: z.object({ Orders: z._default(z.array(z.unknown()), []), NextToken: z.optional(z.string()) }),
});

/**
 * Amazon orders updated in the window (getOrders with LastUpdatedAfter/LastUpdatedBefore in the
 * seller's marketplace), paged by NextToken, each completed with every page of its getOrderItems as
 * the fetch after an ORDER_CHANGE completes it, and read by the same source. The calls wait for their
 * usage plans' tokens (getOrders 0.0167/s, getOrderItems 0.5/s) rather than fail, so a page of a
 * hundred orders takes minutes, not a fault. A Pending order has no prices yet and is left out: its
 * next version (Unshipped, a later LastUpdateDate) falls in a later window. The version is LastUpdateDate.
 * Amazon refuses a LastUpdatedBefore later than two minutes before the request, so the pull's settle
 * time must be at least that (its default is).
 */
export function amazonOrderFeed(
  api: AmazonOrdersApi,
  { connector, pageSize = AMAZON_ORDERS_PAGE_LIMIT }: { connector: string; pageSize?: number },
): OrderFeed<AmazonOrderPayload> {
  const source = amazonOrderSource(api);
  return {
    channel: 'amazon',
    connector,
    mapper: source.mapper,
    async fetchPage(window, page): Promise<PulledPage<AmazonOrderPayload>> {
      const rawOrders = await api.getOrders(
        { lastUpdatedAfter: window.from, lastUpdatedBefore: window.to, maxResultsPerPage: pageSize },
        page,
      );
      const { payload } = AmazonGetOrdersResponse.parse(rawOrders);
      const { sellerId } = await api.seller();
      const orderItems: Record<string, unknown[]> = {};
      const orders: ListedOrder<AmazonOrderPayload>[] = [];
      const listed = readListedOrders(payload.Orders, AmazonOrder, {
        idField: 'AmazonOrderId',
        id: (order) => order.AmazonOrderId,
        version: (order) => order.LastUpdateDate,
      });
      for (const entry of listed) {
        if (entry.kind === 'invalid') {
          orders.push(entry);
          continue;
        }
        if (entry.payload.OrderStatus === 'Pending') continue;
        const pages = await allOrderItemPages(api, entry.channelOrderId);
        orderItems[entry.channelOrderId] = pages;
        const read = source.readAnswer(
          { order: { payload: entry.payload }, orderItems: pages },
          { channelAccount: sellerId },
        );
        if (read.kind === 'order') orders.push({ ...entry, payload: read.payload });
        else if (read.kind === 'invalid')
          orders.push({ kind: 'invalid', channelOrderId: entry.channelOrderId, issues: read.issues });
      }
      return {
        orders,
        // The items answers are archived with the page: they are what the orders were mapped from.
        raw: { orders: rawOrders, orderItems },
        ...(payload.NextToken ? { nextPage: payload.NextToken } : {}),
      };
    },
  };
}
