import { GetObjectCommand } from '@aws-sdk/client-s3';
import { PublishCommand } from '@aws-sdk/client-sns';
import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { EventSource } from '#events/catalog';
import { createEvent } from '#domain/kernel/event';
import { OrderReceived } from '#domain/intake/events';
import { toWireEvent } from '#domain/kernel/event';
import { orderIdFor } from '#domain/kernel/order';
import { posPriceFileKey } from '#domain/pricing/distribution';
import { balancedOrder, money } from '../unit/builders';
import { EventProbe } from './support/inventory-support';
import { DynamoPublicationLedger } from '#shared/adapters/publication-ledger';
import { DynamoEventTrail } from '#shared/adapters/event-trail';
import { propagationLagMs } from '#domain/channel-sync/publication';
import { lag } from '../../scripts/ops/channel';
import { eventually, startTestFabric } from './support/test-fabric';

/**
 * The acceptance runs through the real path: products and prices posted to the local API by
 * their owners, the price scheduler run by the runtime at a fake time, the price-distribution consumer
 * pushing to the channel API stubs (Shopify, eBay, WooCommerce, Amazon) and writing each store's POS price file.
 * The clock is jest's fake Date only (timers stay real, so queues and emulators run as usual).
 */

// Two stores, so "every store" means more than one.
process.env.FABRIC_INVENTORY_POLICY = JSON.stringify({
  locations: [
    { id: 'wh-east', name: 'East distribution centre', kind: 'warehouse' },
    { id: 'store-042', name: 'Portland store', kind: 'store' },
    { id: 'store-077', name: 'Seattle store', kind: 'store' },
  ],
  defaultChannel: {
    locations: ['wh-east', 'store-042', 'store-077'],
    onShortage: 'reject',
    reservationTtlMinutes: 60,
    exposure: {},
  },
});

const STORES = ['store-042', 'store-077'];
const START = Date.UTC(2026, 10, 23, 9, 0, 0);
/** Waits that cross the bus and a queue: generous, because the machine running the suite is shared. */
const BUS_WAIT_MS = 30_000;
let fabric: LocalFabric;
let probe: EventProbe;

beforeAll(async () => {
  fabric = await startTestFabric('pricing', { scheduleIntervalMs: () => 0 });
  probe = await EventProbe.subscribe(fabric, { source: [EventSource.pricing, EventSource.catalog] });
  jest.useFakeTimers({
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
    advanceTimers: true,
    now: START,
  });
});

afterAll(async () => {
  jest.useRealTimers();
  await fabric?.stop();
});

async function post(path: string, body: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${fabric.apiUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

async function storeFile(
  storeId: string,
  window: { effectiveAt: string; windowKey: string },
): Promise<string | undefined> {
  try {
    const { Body } = await fabric.clients.s3.send(
      new GetObjectCommand({ Bucket: fabric.resources.buckets.posBatches, Key: posPriceFileKey(storeId, window) }),
    );
    return await Body!.transformToString('utf8');
  } catch {
    return undefined;
  }
}

/** A product listed on four channels with price endpoints, at a base price of 24.00 in force since before START. */
async function listedProduct(sku: string, n: number): Promise<void> {
  const products = await post('/products', {
    sourceSystem: 'erp',
    products: [
      {
        sku,
        title: `Tee ${sku}`,
        listings: [
          {
            channel: 'shopify',
            listingId: `gid://shopify/Product/${n}`,
            variantId: `gid://shopify/ProductVariant/${n}`,
          },
          { channel: 'ebay', channelSku: sku, listingId: `offer-${n}` },
          { channel: 'woocommerce', listingId: String(500 + n) },
          { channel: 'amazon', channelSku: `${sku}-AMZ` },
        ],
      },
    ],
  });
  expect(products.status).toBe(200);
  const price = await post('/prices', {
    sku,
    priceList: 'base',
    currency: 'USD',
    amountMinor: 2400,
    effectiveFrom: new Date(START - 86_400_000).toISOString(),
    sourceSystem: 'erp',
  });
  expect(price.status).toBe(200);
}

describe('price and promotion distribution', () => {
  it('takes a promotion to every channel and every store at its start, and back at its end', async () => {
    await listedProduct('TEE-PROMO-1', 1);
    const startsAt = new Date(START + 3_600_000).toISOString();
    const endsAt = new Date(START + 7_200_000).toISOString();
    const scheduled = await post('/promotions', {
      promotionId: 'FLASH-1',
      name: 'Flash 25%',
      startsAt,
      endsAt,
      targets: { skus: ['TEE-PROMO-1'] },
      rule: { kind: 'percentage', percentOff: 25 },
      sourceSystem: 'merchandising',
    });
    expect(scheduled.status).toBe(202);

    // The base price arrived late (its time had passed) and went out at once, flagged.
    const basePrice = await eventually(
      'the late base price on Shopify',
      async () => fabric.channelApis.prices.shopify.get('gid://shopify/ProductVariant/1'),
      BUS_WAIT_MS,
    );
    expect(basePrice).toMatchObject({ price: '24.00', regularPrice: null });
    await probe.drain();
    expect(
      probe
        .distinct<{ sku: string; appliedLate: boolean }>('PriceChanged')
        .find((event) => event.data.sku === 'TEE-PROMO-1')?.data.appliedLate,
    ).toBe(true);

    // A minute before the start the scheduler has nothing to publish.
    jest.setSystemTime(Date.parse(startsAt) - 60_000);
    await fabric.runScheduled('price-scheduler');
    await probe.drain();
    expect(probe.distinct('PromotionActivated')).toHaveLength(0);

    jest.setSystemTime(Date.parse(startsAt));
    await fabric.runScheduled('price-scheduler');
    const activated = await eventually(
      'PromotionActivated',
      async () => {
        await probe.drain();
        return probe.distinct<{ windowKey: string; effectiveAt: string; appliedLate: boolean }>(
          'PromotionActivated',
        )[0];
      },
      BUS_WAIT_MS,
    );
    expect(activated.data).toMatchObject({ effectiveAt: startsAt, appliedLate: false });

    const shopify = await eventually(
      'the promoted price on Shopify',
      async () => {
        const held = fabric.channelApis.prices.shopify.get('gid://shopify/ProductVariant/1');
        return held?.price === '18.00' ? held : undefined;
      },
      BUS_WAIT_MS,
    );
    expect(shopify.regularPrice).toBe('24.00');
    expect(Date.parse(shopify.receivedAt)).toBeGreaterThanOrEqual(Date.parse(startsAt));
    await eventually(
      'the promoted price on eBay',
      async () => (fabric.channelApis.prices.ebay.get('offer-1')?.price === '18.00' ? true : undefined),
      BUS_WAIT_MS,
    );
    await eventually(
      'the sale price on WooCommerce',
      async () => {
        const held = fabric.channelApis.prices.woocommerce.get('/products/501');
        return held?.price === '18.00' && held.regularPrice === '24.00' ? true : undefined;
      },
      BUS_WAIT_MS,
    );
    // Amazon shows the sale as discounted_price until the promotion's end, under the seller's SKU.
    const amazon = await eventually(
      'the discounted price on Amazon',
      async () => {
        const held = fabric.channelApis.prices.amazon.get('TEE-PROMO-1-AMZ');
        return held?.price === '18.00' ? held : undefined;
      },
      BUS_WAIT_MS,
    );
    expect(amazon).toMatchObject({ regularPrice: '24.00', currency: 'USD', saleEndsAt: endsAt });
    for (const storeId of STORES) {
      const csv = await eventually(`${storeId}'s price file`, () => storeFile(storeId, activated.data), BUS_WAIT_MS);
      expect(csv.split('\n')[1]).toBe(`TEE-PROMO-1,18.00,USD,24.00,FLASH-1,${startsAt}`);
    }

    // Each channel's and store's acknowledgement is in the publication ledger that `ops channel lag` reads.
    const ledger = new DynamoPublicationLedger(fabric.resources.tables.channelPublications);
    const shopifyRecord = await eventually(
      'the Shopify price in the ledger',
      async () => {
        const record = await ledger.read({ channel: 'shopify', subject: 'price#TEE-PROMO-1' });
        return record?.published?.value === 1800 ? record : undefined;
      },
      BUS_WAIT_MS,
    );
    expect(shopifyRecord.published!.eventTime).toBe(startsAt);
    expect(propagationLagMs(shopifyRecord.published!)).toBeGreaterThanOrEqual(0);
    // A store's file is written before its acknowledgement is recorded: the file alone does not say the record is there yet.
    for (const storeId of STORES) {
      await eventually(
        `${storeId}'s price in the ledger`,
        async () =>
          (await ledger.read({ channel: 'pos', subject: `price#TEE-PROMO-1@${storeId}` }))?.published?.value === 1800
            ? true
            : undefined,
        BUS_WAIT_MS,
      );
    }
    await eventually(
      'the Amazon price in the ledger',
      async () =>
        (await ledger.read({ channel: 'amazon', subject: 'price#TEE-PROMO-1' }))?.published?.value === 1800
          ? true
          : undefined,
      BUS_WAIT_MS,
    );
    const lagLines = await lag(fabric.resources, ['shopify'], () => undefined);
    expect(lagLines.some((line) => line.includes('price#TEE-PROMO-1') && line.includes(startsAt))).toBe(true);

    // Running again at the same time publishes nothing twice.
    await fabric.runScheduled('price-scheduler');
    await probe.drain();
    expect(probe.distinct('PromotionActivated')).toHaveLength(1);

    jest.setSystemTime(Date.parse(endsAt));
    await fabric.runScheduled('price-scheduler');
    const ended = await eventually(
      'PromotionEnded',
      async () => {
        await probe.drain();
        return probe.distinct<{ windowKey: string; effectiveAt: string }>('PromotionEnded')[0];
      },
      BUS_WAIT_MS,
    );
    await eventually(
      'the regular price back on Shopify',
      async () =>
        fabric.channelApis.prices.shopify.get('gid://shopify/ProductVariant/1')?.price === '24.00' ? true : undefined,
      BUS_WAIT_MS,
    );
    expect(fabric.channelApis.prices.shopify.get('gid://shopify/ProductVariant/1')?.regularPrice).toBeNull();
    await eventually(
      'the regular price back on eBay',
      async () => (fabric.channelApis.prices.ebay.get('offer-1')?.price === '24.00' ? true : undefined),
      BUS_WAIT_MS,
    );
    await eventually(
      'the sale ended on WooCommerce',
      async () => (fabric.channelApis.prices.woocommerce.get('/products/501')?.price === '24.00' ? true : undefined),
      BUS_WAIT_MS,
    );
    await eventually(
      'the sale ended on Amazon',
      async () => {
        const held = fabric.channelApis.prices.amazon.get('TEE-PROMO-1-AMZ');
        return held?.price === '24.00' && held.regularPrice === null ? true : undefined;
      },
      BUS_WAIT_MS,
    );
    for (const storeId of STORES) {
      const csv = await eventually(
        `${storeId}'s end-of-promotion price file`,
        () => storeFile(storeId, ended.data),
        BUS_WAIT_MS,
      );
      expect(csv.split('\n')[1]).toBe(`TEE-PROMO-1,24.00,USD,24.00,,${endsAt}`);
    }

    const lookup = await fetch(
      `${fabric.apiUrl}/prices/TEE-PROMO-1?channel=shopify&at=${encodeURIComponent(new Date(Date.parse(startsAt) + 60_000).toISOString())}`,
    );
    expect(lookup.status).toBe(200);
    expect(await lookup.json()).toMatchObject({
      price: { amountMinor: 1800, currency: 'USD' },
      promotion: { promotionId: 'FLASH-1' },
    });
  }, 180_000);

  it('refuses a price from a system that does not own base prices, and records the refusal', async () => {
    const refused = await post('/prices', {
      sku: 'TEE-PROMO-1',
      priceList: 'base',
      currency: 'USD',
      amountMinor: 100,
      effectiveFrom: new Date(Date.now() - 1000).toISOString(),
      sourceSystem: 'shopify',
    });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe('basePrice is owned by erp; a change from shopify is refused');
    const event = await eventually(
      'ChangeRefused',
      async () => {
        await probe.drain();
        return probe.distinct<{ subject: string }>('ChangeRefused').find((e) => e.data.subject === 'price#TEE-PROMO-1');
      },
      BUS_WAIT_MS,
    );
    expect(event.data).toMatchObject({ domain: 'basePrice', owner: 'erp', sourceSystem: 'shopify' });
    // Asked at a time outside the promotion, so the answer is the base price whatever the clock says.
    const lookup = (await (
      await fetch(
        `${fabric.apiUrl}/prices/TEE-PROMO-1?channel=shopify&at=${encodeURIComponent(new Date(START).toISOString())}`,
      )
    ).json()) as { price: { amountMinor: number } };
    expect(lookup.price.amountMinor).toBe(2400);
  });

  it('refuses item master changes from a non-owner', async () => {
    const refused = await post('/products', {
      sourceSystem: 'pim',
      products: [{ sku: 'TEE-PIM-1', title: 'From the PIM' }],
    });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe('itemMaster is owned by erp; a change from pim is refused');
  });

  it('raises a PricingException for an order charged below the effective price, once however often the order comes again', async () => {
    await listedProduct('TEE-LEAK-1', 2);
    const placedAt = new Date().toISOString();
    const order = (channelOrderId: string, unitMinor: number) =>
      balancedOrder({
        orderId: orderIdFor('shopify', channelOrderId),
        channelOrderId,
        placedAt,
        channelUpdatedAt: placedAt,
        lines: [
          {
            lineId: '1',
            channelLineId: '1',
            sku: 'TEE-LEAK-1',
            channelSku: 'TEE-LEAK-1',
            quantity: 2,
            unitPrice: money(unitMinor),
            discount: money(0),
            taxes: [],
          },
        ],
        shipping: [],
        totals: {
          lines: money(unitMinor * 2),
          shipping: money(0),
          discounts: money(0),
          tax: money(0),
          total: money(unitMinor * 2),
        },
      });
    const received = (id: string, unit: number) =>
      createEvent(
        OrderReceived,
        { order: order(id, unit), deliveryId: `delivery-${id}` },
        { correlationId: orderIdFor('shopify', id) },
      );
    const publish = (event: ReturnType<typeof received>) =>
      fabric.clients.sns.send(
        new PublishCommand({ TopicArn: fabric.resources.topicArn, Message: JSON.stringify(toWireEvent(event)) }),
      );
    for (const [id, unit] of [
      ['leak-1', 1500],
      ['fair-1', 2400],
    ] as const)
      await publish(received(id, unit));
    const exception = await eventually(
      'PricingException',
      async () => {
        await probe.drain();
        return probe
          .distinct<{ channelOrderId: string; lines: any[] }>('PricingException')
          .find((e) => e.data.channelOrderId === 'leak-1');
      },
      BUS_WAIT_MS,
    );
    expect(exception.data.lines).toEqual([
      expect.objectContaining({
        sku: 'TEE-LEAK-1',
        unitPrice: money(1500),
        effectivePrice: money(2400),
        shortfall: money(1800),
      }),
    ]);

    // The same versions again under new event ids, as a replay from the archive publishes them.
    const copies = [received('leak-1', 1500), received('fair-1', 2400)];
    for (const copy of copies) await publish(copy);
    const trail = new DynamoEventTrail(fabric.resources.tables.eventTrail);
    await eventually(
      'both copies checked',
      async () => {
        const handled = await Promise.all(
          copies.map(async (copy) =>
            (await trail.forCorrelation(copy.correlationId)).some(
              (entry) =>
                entry.eventId === copy.id && entry.outcome === 'handled' && entry.queue.endsWith('price-order-check'),
            ),
          ),
        );
        return handled.every(Boolean) ? true : undefined;
      },
      BUS_WAIT_MS,
    );
    await probe.drain();
    expect(
      probe
        .distinct<{ channelOrderId: string }>('PricingException')
        .filter((e) => ['leak-1', 'fair-1'].includes(e.data.channelOrderId)),
    ).toEqual([exception]);
  });
});
