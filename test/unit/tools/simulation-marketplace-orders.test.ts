import {
  type MarketplaceChannel,
  type MarketplaceLine,
  type MarketplaceOrderExpectation,
  type MarketplaceOrderRequest,
  type SimulatedOrderRef,
  buildAmazonOrder,
  buildEbayOrder,
  buildWalmartOrder,
  marketplaceSkuKeys,
  walmartDelivery,
} from '../../../scripts/simulation/marketplace-orders';
import { amazonOrderMapper } from '#shared/channels/amazon/amazon-order.mapper';
import { AmazonOrder, AmazonOrderItem } from '#shared/channels/amazon/amazon-order.schema';
import { amazonNotificationAdapter } from '#shared/channels/amazon/amazon-notification.adapter';
import { ebayOrderMapper } from '#shared/channels/ebay/ebay-order.mapper';
import { EbayOrder } from '#shared/channels/ebay/ebay-order.schema';
import { walmartOrderMapper } from '#shared/channels/walmart/walmart-order.mapper';
import { WalmartOrder } from '#shared/channels/walmart/walmart-order.schema';
import { walmartWebhookAdapter } from '#shared/channels/walmart/walmart-webhook.adapter';
import { type PreparedOrder, prepareChannelOrder } from '#domain/intake/channel-order-intake';
import { type SkuCrossReference, skuKeyId } from '#domain/kernel/sku-cross-reference';
import type { Order } from '#domain/kernel/order';
import { lookupFrom, webhookRequest } from '../support/fake-intake';

const placedAt = '2026-11-23T10:15:00.000Z';
const ref: SimulatedOrderRef = { seed: 7, run: 2, index: 41 };
const internalSku = (channelSku: string) => `SIM-${channelSku}`;

const MIXES: { name: string; lines: MarketplaceLine[] }[] = [
  {
    name: 'one line',
    lines: [{ channelSku: 'MKT-TEE-RED-M', title: 'Organic Tee, Red, M', unitPriceMinor: 2400, quantity: 1 }],
  },
  {
    name: 'odd cents, 10.50 x 3',
    lines: [{ channelSku: 'MKT-MUG-WHT', title: 'Stoneware Mug, White', unitPriceMinor: 1050, quantity: 3 }],
  },
  {
    name: 'several lines, quantities above one, over the free-shipping threshold',
    lines: [
      { channelSku: 'MKT-HOODIE-GRY-L', title: 'Hoodie, Grey, L', unitPriceMinor: 1999, quantity: 2 },
      { channelSku: 'MKT-MUG-WHT', title: 'Stoneware Mug, White', unitPriceMinor: 1450, quantity: 1 },
      { channelSku: 'MKT-SOCKS-3', title: 'Merino Socks, 3 pack', unitPriceMinor: 325, quantity: 4 },
    ],
  },
];

/**
 * A cross-reference that knows each line's channel SKU under the key marketplaceSkuKeys gives, and
 * answers by skuKeyId as DynamoSkuCrossReference does: a key the mapper asks for that differs from
 * the one the simulation would map stays unresolved, and the order needs attention.
 */
function crossReference(channel: MarketplaceChannel, lines: readonly MarketplaceLine[]): SkuCrossReference {
  const lookup = lookupFrom(
    lines.map((line) => ({ key: marketplaceSkuKeys[channel](line.channelSku), sku: internalSku(line.channelSku) })),
  );
  return {
    resolveSkus: async (_channel, keys) =>
      new Map(keys.flatMap((key) => (lookup(key) ? [[skuKeyId(key), lookup(key)!] as [string, string]] : []))),
  };
}

interface ChannelCase {
  channel: MarketplaceChannel;
  build(request: MarketplaceOrderRequest): MarketplaceOrderExpectation<MarketplaceChannel> & { apiOrder: unknown };
  /** The stub's order parsed with the schema the channel's API client parses with, through the intake the fetch and the poller share. */
  intake(apiOrder: unknown, skus: SkuCrossReference): Promise<PreparedOrder>;
  idFormat: RegExp;
  /** 31.50 of goods, 2.60 tax (8.25 %), 4.99 shipping, and 0.41 tax on it where the channel taxes shipping. */
  oddCentsTotalMinor: number;
}

const CHANNELS: ChannelCase[] = [
  {
    channel: 'amazon',
    build: buildAmazonOrder,
    intake: (apiOrder, skus) => {
      const { order, items } = apiOrder as { order: unknown; items: unknown[] };
      const payload = {
        order: AmazonOrder.parse(order),
        items: items.map((item) => AmazonOrderItem.parse(item)),
        sellerId: 'A3TH9S8BH6GOGM',
      };
      return prepareChannelOrder('amazon', amazonOrderMapper, payload, 'sim-unit', skus);
    },
    idFormat: /^\d{3}-\d{7}-\d{7}$/,
    oddCentsTotalMinor: 3950,
  },
  {
    channel: 'ebay',
    build: buildEbayOrder,
    intake: (apiOrder, skus) =>
      prepareChannelOrder('ebay', ebayOrderMapper, EbayOrder.parse(apiOrder), 'sim-unit', skus),
    idFormat: /^\d{2}-\d{5}-\d{5}$/,
    oddCentsTotalMinor: 3909,
  },
  {
    channel: 'walmart',
    build: buildWalmartOrder,
    intake: (apiOrder, skus) =>
      prepareChannelOrder('walmart', walmartOrderMapper, WalmartOrder.parse(apiOrder), 'sim-unit', skus),
    idFormat: /^\d{15}$/,
    oddCentsTotalMinor: 3950,
  },
];

async function canonical(
  channelCase: ChannelCase,
  lines: readonly MarketplaceLine[],
  built: { apiOrder: unknown },
): Promise<Order> {
  const prepared = await channelCase.intake(built.apiOrder, crossReference(channelCase.channel, lines));
  expect({ outcome: prepared.outcome, reason: prepared.reason }).toEqual({ outcome: 'accepted', reason: undefined });
  expect(prepared.publish.map((event) => event.detailType)).toEqual(['OrderReceived']);
  return (prepared.publish[0].data as { order: Order }).order;
}

describe.each(CHANNELS)('$channel simulated orders', (channelCase) => {
  test.each(MIXES)(
    '$name: the mapped order has the total, lines, units and currency the builder states',
    async ({ lines }) => {
      const built = channelCase.build({ ref, placedAt, lines });

      const order = await canonical(channelCase, lines, built);

      expect(order).toMatchObject({
        channel: channelCase.channel,
        channelOrderId: built.channelOrderId,
        currency: built.currency,
        status: 'received',
        placedAt,
      });
      expect(order.totals.total).toEqual({ amountMinor: built.totalMinor, currency: 'USD' });
      expect(
        order.lines.map((line) => ({
          sku: line.sku,
          channelSku: line.channelSku,
          title: line.title,
          quantity: line.quantity,
          unitPriceMinor: line.unitPrice.amountMinor,
        })),
      ).toEqual(
        lines.map((line) => ({
          sku: internalSku(line.channelSku),
          channelSku: line.channelSku,
          title: line.title,
          quantity: line.quantity,
          unitPriceMinor: line.unitPriceMinor,
        })),
      );
      const units: Record<string, number> = {};
      for (const line of order.lines) units[line.channelSku] = (units[line.channelSku] ?? 0) + line.quantity;
      expect(units).toEqual(built.unitsByChannelSku);
    },
  );

  test('prices 10.50 x 3 with 8.25 % tax and 4.99 shipping to the cent', () => {
    expect(channelCase.build({ ref, placedAt, lines: MIXES[1].lines }).totalMinor).toBe(channelCase.oddCentsTotalMinor);
  });

  test("gives ids in the channel's format, different for every seed, run and index", () => {
    const refs = [1, 7, 9_999].flatMap((seed) =>
      [0, 1, 2, 999].flatMap((run) => [0, 1, 2, 10, 99, 100, 99_999].map((index) => ({ seed, run, index }))),
    );

    const ids = refs.map((each) => channelCase.build({ ref: each, placedAt, lines: MIXES[0].lines }).channelOrderId);

    for (const id of ids) expect(id).toMatch(channelCase.idFormat);
    expect(new Set(ids).size).toBe(refs.length);
  });

  test('refuses a seed, run or index an id cannot carry', () => {
    const build = (each: SimulatedOrderRef) => () => channelCase.build({ ref: each, placedAt, lines: MIXES[0].lines });

    expect(build({ seed: 10_000, run: 0, index: 0 })).toThrow(RangeError);
    expect(build({ seed: 7, run: 1_000, index: 0 })).toThrow(RangeError);
    expect(build({ seed: 7, run: 0, index: 100_000 })).toThrow(RangeError);
    expect(build({ seed: 7, run: -1, index: 0 })).toThrow(RangeError);
  });

  test('builds the same payloads from the same request, and another run differs in ids only', () => {
    const request = { ref, placedAt, lines: MIXES[2].lines };

    const first = channelCase.build(request);
    const again = channelCase.build(structuredClone(request));
    const nextRun = channelCase.build({ ...request, ref: { ...ref, run: ref.run + 1 } });

    expect(JSON.stringify(again)).toBe(JSON.stringify(first));
    expect(nextRun.channelOrderId).not.toBe(first.channelOrderId);
    expect({ total: nextRun.totalMinor, units: nextRun.unitsByChannelSku }).toEqual({
      total: first.totalMinor,
      units: first.unitsByChannelSku,
    });
  });

  test('refuses a line without a whole positive quantity or price', () => {
    const line = MIXES[0].lines[0];

    expect(() => channelCase.build({ ref, placedAt, lines: [] })).toThrow(RangeError);
    expect(() => channelCase.build({ ref, placedAt, lines: [{ ...line, quantity: 0 }] })).toThrow(RangeError);
    expect(() => channelCase.build({ ref, placedAt, lines: [{ ...line, unitPriceMinor: 10.5 }] })).toThrow(RangeError);
  });
});

describe('what the channels send', () => {
  test('the Amazon ORDER_CHANGE names the order and is read as a notification to fetch it', () => {
    const built = buildAmazonOrder({ ref, placedAt, lines: MIXES[0].lines });

    const parsed = amazonNotificationAdapter.parse(JSON.parse(built.notification));

    expect(parsed).toEqual({
      ok: true,
      value: {
        kind: 'notification',
        topic: 'ORDER_CHANGE:OrderStatusChange',
        notice: { channelOrderId: built.channelOrderId, channelAccount: 'A3TH9S8BH6GOGM' },
      },
    });
    expect(amazonNotificationAdapter.deliveryId(JSON.parse(built.notification))).toBe(
      `sim-${built.channelOrderId}-unshipped`,
    );
  });

  test('the Walmart PO_CREATED verifies under the client secret and names the purchase order', async () => {
    const built = buildWalmartOrder({ ref, placedAt, lines: MIXES[0].lines });
    const { body, headers } = walmartDelivery(built, 'subscription-secret');
    const request = webhookRequest('walmart', body, headers);

    expect(await walmartWebhookAdapter.verify(request, 'subscription-secret')).toBe(true);
    expect(await walmartWebhookAdapter.verify(request, 'another-secret')).toBe(false);
    expect(walmartWebhookAdapter.parse(request, JSON.parse(body))).toMatchObject({
      ok: true,
      value: { kind: 'notification', notice: { channelOrderId: built.channelOrderId } },
    });
    expect(walmartWebhookAdapter.deliveryId(request, JSON.parse(body))).toBe(`sim-${built.channelOrderId}-po-created`);
  });

  test('the eBay order carries the lastModifiedDate the caller sets, and its placing time without one', () => {
    const lastModifiedAt = '2026-12-02T06:00:00.000Z';

    expect(buildEbayOrder({ ref, placedAt, lines: MIXES[0].lines, lastModifiedAt }).apiOrder).toMatchObject({
      creationDate: placedAt,
      lastModifiedDate: lastModifiedAt,
    });
    expect(buildEbayOrder({ ref, placedAt, lines: MIXES[0].lines }).apiOrder).toMatchObject({
      lastModifiedDate: placedAt,
    });
  });
});
