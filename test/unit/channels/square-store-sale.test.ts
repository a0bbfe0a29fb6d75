import { readFileSync } from 'node:fs';
import path from 'node:path';
import { OrderMappingError } from '#domain/intake/channel-ports';
import { prepareChannelOrder } from '#domain/intake/channel-order-intake';
import { type OrderPullPorts, pullOrders } from '#domain/intake/order-pull';
import { remapFetchedOrder } from '#domain/intake/order-fetch';
import type { FabricEvent } from '#domain/kernel/event';
import { skuKeyId, type SkuCrossReference } from '#domain/kernel/sku-cross-reference';
import type { PosTransaction } from '#domain/pos';
import { ConfigError } from '#domain/kernel/errors';
import { squareOrderMapperFor } from '#shared/channels/square/square-order.mapper';
import { SquareOrder } from '#shared/channels/square/square-order.schema';
import {
  SQUARE_REFUND_TENDER,
  type SquareStoreLocations,
  squareStoreLocationsFromEnv,
} from '#shared/channels/square/square-store-sale';
import { readSquareFixture, squareFixtureSkus } from '../../fixtures/square';
import { money, thrownBy } from '../builders';
import { lookupFrom } from '../support/fake-intake';

const gbp = (minor: number) => money(minor, 'GBP');
const LONDON = 'LBX9V0JZ1G7MN';
const stores: SquareStoreLocations = { [LONDON]: { storeId: 'store-042', timeZone: 'Europe/London' } };
const mapper = squareOrderMapperFor(() => stores);
const lookup = lookupFrom(squareFixtureSkus);

/** The point-of-sale fixture: 3 totes and a hoodie, 20% VAT included, 25.50 paid in cash. */
const tillSale = (changes: Record<string, unknown> = {}) =>
  SquareOrder.parse({ ...readSquareFixture('retrieve-order-pos-vat-inclusive-gbp').order, ...changes });
/** One of those totes brought back to the till the next day and refunded. */
const tillReturn = (changes: Record<string, unknown> = {}) =>
  SquareOrder.parse({
    ...JSON.parse(
      readFileSync(path.join(__dirname, '../../fixtures/square/retrieve-order-till-return-gbp.json'), 'utf8'),
    ).order,
    ...changes,
  });

/** A cross-reference that knows the given channel SKUs. */
const skus = (
  known: readonly { key: { channelSku: string; variantId?: string }; sku: string }[],
): SkuCrossReference => ({
  async resolveSkus(_channel, keys) {
    const lookupKnown = lookupFrom(known);
    return new Map(keys.flatMap((key) => (lookupKnown(key) ? [[skuKeyId(key), lookupKnown(key) as string]] : [])));
  },
});

function transactionOf(order: SquareOrder): PosTransaction {
  const till = mapper.tillTransaction?.(order, lookup);
  if (till?.kind !== 'transaction') throw new Error(`not a store transaction: ${JSON.stringify(till)}`);
  return till.transaction;
}

describe('a completed in-person Square order at a mapped location is a store transaction', () => {
  test('keyed on the store, the Square order and its day, with net lines, the included VAT and the cash tender', () => {
    const transaction = transactionOf(tillSale());

    expect(transaction).toMatchObject({
      transactionId: 'store-042:square-hZHkXM8ZQ7bRrvM6Lkg0GMq4HaGZY:2025-06-02:0',
      key: { storeId: 'store-042', registerId: 'square-hZHkXM8ZQ7bRrvM6Lkg0GMq4HaGZY', businessDay: '2025-06-02' },
      endedAt: '2025-06-02T10:05:44Z',
      currency: 'GBP',
      disposition: 'completed',
      tax: gbp(425),
      tenders: [{ method: 'cash', amount: gbp(2550) }],
      total: gbp(2550),
    });
    expect(transaction.lines).toEqual([
      {
        lineNumber: 1,
        type: 'sale',
        itemCode: 'variant:JX4QF3H5O5RDRP5XKX6N6T2R',
        sku: 'HOME-TOTE-CANVAS',
        description: 'Canvas Tote - Natural',
        quantity: 3,
        unitPrice: gbp(375),
        discount: gbp(0),
        amount: gbp(1125),
      },
      {
        lineNumber: 2,
        type: 'sale',
        itemCode: 'variant:7B3QJHUDKJGBQNLH2VE5R6AP',
        sku: 'APP-HOODIE-GREY-L',
        description: 'Organic Hoodie - Grey, L',
        quantity: 1,
        unitPrice: gbp(1000),
        discount: gbp(0),
        amount: gbp(1000),
      },
    ]);
  });

  test('is the same transaction in every later version of the sale, so it applies once', () => {
    const later = tillSale({
      version: 7,
      updated_at: '2025-06-03T14:20:05Z',
      refunds: [{ id: 'Rf1', amount_money: { amount: 450, currency: 'GBP' }, status: 'APPROVED' }],
    });

    expect(transactionOf(later)).toEqual(transactionOf(tillSale()));
    expect(mapper.tillTransaction?.(later, lookup)).toMatchObject({ version: '7' });
  });

  test("books the sale on the store's business day in its time zone", () => {
    const lateEvening = tillSale({ created_at: '2025-06-02T23:30:00Z', closed_at: '2025-06-02T23:31:00Z' });

    expect(transactionOf(lateEvening).key.businessDay).toBe('2025-06-03');
  });

  test('rounds an INCLUSIVE net unit price up and adds the few pence to the discount, keeping every total exact', () => {
    const order = readSquareFixture('retrieve-order-pos-vat-inclusive-gbp').order;
    const pence = (amount: number) => ({ amount, currency: 'GBP' });
    // 3 totes at 3.33 including 1.67 VAT in all: 8.32 net does not divide by 3.
    order.line_items = [
      {
        ...order.line_items[0],
        quantity: '3',
        base_price_money: pence(333),
        gross_sales_money: pence(999),
        total_tax_money: pence(167),
        total_money: pence(999),
        applied_taxes: [{ uid: 'p1-tax', tax_uid: 'uk-vat', applied_money: pence(167) }],
      },
    ];
    order.total_money = pence(999);
    order.tenders = [{ id: 't', type: 'CARD', amount_money: pence(999) }];

    const transaction = transactionOf(SquareOrder.parse(order));

    expect(transaction.lines[0]).toMatchObject({ unitPrice: gbp(278), discount: gbp(2), amount: gbp(832) });
    expect(transaction).toMatchObject({
      tax: gbp(167),
      tenders: [{ method: 'card', amount: gbp(999) }],
      total: gbp(999),
    });
  });

  test('keeps an item the cross-reference does not know as a line without SKU', () => {
    const till = mapper.tillTransaction?.(tillSale(), lookupFrom([]));

    expect(till?.kind === 'transaction' && till.transaction.lines.map((line) => line.sku)).toEqual([null, null]);
  });
});

describe('a refund at the till is a store return', () => {
  test('returns the line net of its VAT, with the VAT and the refund paid back as negative amounts', () => {
    const transaction = transactionOf(tillReturn());

    expect(transaction).toMatchObject({
      transactionId: 'store-042:square-Rt4qJ0vX9mWZ2bN8cK6yH1sD3fLeV:2025-06-03:0',
      tax: gbp(-75),
      tenders: [{ method: SQUARE_REFUND_TENDER, amount: gbp(-450) }],
      total: gbp(-450),
    });
    expect(transaction.lines).toEqual([
      {
        lineNumber: 1,
        type: 'return',
        itemCode: 'variant:JX4QF3H5O5RDRP5XKX6N6T2R',
        sku: 'HOME-TOTE-CANVAS',
        description: 'Canvas Tote - Natural',
        quantity: 1,
        unitPrice: gbp(375),
        discount: gbp(0),
        amount: gbp(375),
        reasonCode: 'RETURNED_GOODS',
      },
    ]);
  });

  test("takes the refund's reason as the return reason, so a damaged item goes to damaged stock", () => {
    const refund = tillReturn().refunds[0];

    const transaction = transactionOf(tillReturn({ refunds: [{ ...refund, reason: 'Damaged' }] }));

    expect(transaction.lines[0].reasonCode).toBe('DAMAGED');
  });

  test('refuses a return whose refund does not pay back what the lines are worth', () => {
    const refund = tillReturn().refunds[0];

    const error = thrownBy(OrderMappingError, () =>
      transactionOf(tillReturn({ refunds: [{ ...refund, amount_money: { amount: 400, currency: 'GBP' } }] })),
    );

    expect(error.details).toEqual([
      { path: 'storeTransaction.tenders', message: expect.stringMatching(/add up to -4.00/) },
    ]);
  });
});

describe('what stays an online order', () => {
  test('an in-person order at a location mapped to no store', () => {
    expect(mapper.tillTransaction?.(tillSale({ location_id: 'LUNMAPPED00001' }), lookup)).toBeUndefined();
  });

  test('an order to be picked up, shipped or delivered, even at a mapped location', () => {
    for (const type of ['PICKUP', 'SHIPMENT', 'DELIVERY']) {
      const order = tillSale({ fulfillments: [{ type, state: 'COMPLETED' }] });

      expect(mapper.tillTransaction?.(order, lookup)).toBeUndefined();
    }
  });

  test('an open till ticket moves nothing until it completes', () => {
    expect(mapper.tillTransaction?.(tillSale({ state: 'OPEN' }), lookup)).toEqual({
      kind: 'not_completed',
      reason: 'an in-person order OPEN at the till of store-042: it moves nothing until it completes',
    });
  });
});

describe('prepareChannelOrder records a till sale as a store transaction, for the fetch and the pull alike', () => {
  test('publishes PosTransactionRecorded, with the order version it was read from, and no OrderReceived', async () => {
    const prepared = await prepareChannelOrder('square', mapper, tillSale(), 'evt-1', skus(squareFixtureSkus));

    expect(prepared).toMatchObject({
      outcome: 'accepted',
      storeTransactionId: 'store-042:square-hZHkXM8ZQ7bRrvM6Lkg0GMq4HaGZY:2025-06-02:0',
    });
    expect(prepared.publish.map((event) => event.detailType)).toEqual(['PosTransactionRecorded']);
    expect(prepared.publish[0].data).toMatchObject({
      batch: {
        storeId: 'store-042',
        businessDate: '2025-06-02',
        batchId: 'square',
        uploadId: 'hZHkXM8ZQ7bRrvM6Lkg0GMq4HaGZY@3',
        lineNumber: 1,
      },
    });
  });

  test('holds the unknown items as a POS line needing attention', async () => {
    const prepared = await prepareChannelOrder('square', mapper, tillSale(), 'evt-2', skus([]));

    expect(prepared.outcome).toBe('needs_attention');
    expect(prepared.publish.map((event) => event.detailType)).toEqual([
      'PosTransactionRecorded',
      'PosLineNeedsAttention',
    ]);
    expect(prepared.publish[1].data).toMatchObject({
      reason: 'UNKNOWN_SKU',
      lines: [
        { lineNumber: 1, itemCode: 'variant:JX4QF3H5O5RDRP5XKX6N6T2R', type: 'sale', quantity: 3 },
        { lineNumber: 2, itemCode: 'variant:7B3QJHUDKJGBQNLH2VE5R6AP', type: 'sale', quantity: 1 },
      ],
    });
  });

  test('publishes nothing for an open ticket', async () => {
    const prepared = await prepareChannelOrder(
      'square',
      mapper,
      tillSale({ state: 'OPEN' }),
      'evt-3',
      skus(squareFixtureSkus),
    );

    expect(prepared).toMatchObject({ outcome: 'accepted', publish: [] });
  });

  test('maps a till refund at a location mapped to no store as an order needing attention, as before', async () => {
    const prepared = await prepareChannelOrder(
      'square',
      mapper,
      tillReturn({ location_id: 'LUNMAPPED00001' }),
      'evt-4',
      skus(squareFixtureSkus),
    );

    expect(prepared.outcome).toBe('needs_attention');
    expect(prepared.publish.map((event) => event.detailType)).toEqual(['OrderNeedsAttention']);
  });
});

describe('the catch-up pull finds a till sale as the same store transaction', () => {
  test('every version it lists is recorded under the key the fetch used, which stock and the journal apply once', async () => {
    const published: FabricEvent[] = [];
    const done = new Set<string>();
    const ports: OrderPullPorts = {
      state: { load: async () => ({ version: 0 }), save: async (_connector, state) => state.version + 1 },
      delivered: { storedVersion: async () => undefined },
      archive: { archiveDelivery: async (delivery) => delivery.requestId, recordVerdict: async () => undefined },
      publisher: { publish: async (events) => void published.push(...events) },
      skus: skus(squareFixtureSkus),
      once: (async (key: string, work: () => Promise<{ orderId: string; outcome: string }>) => {
        const duplicate = done.has(key);
        done.add(key);
        return { ...(duplicate ? { orderId: '', outcome: 'accepted' } : await work()), duplicate };
      }) as OrderPullPorts['once'],
    };
    const sale = tillSale();
    const newer = tillSale({ version: 4, updated_at: '2025-06-02T18:00:00Z' });
    const listed = [sale, sale, newer].map((order) => ({
      kind: 'order' as const,
      channelOrderId: order.id,
      version: String(order.version),
      payload: order,
    }));

    const report = await pullOrders(
      { channel: 'square', connector: 'square-catch-up', mapper, fetchPage: async () => ({ orders: listed, raw: {} }) },
      ports,
      {
        now: new Date('2025-06-03T00:00:00Z'),
        overlapMs: 0,
        settleMs: 0,
        initialLookbackMs: 86_400_000,
        hasTimeLeft: () => true,
      },
    );

    const fetched = await prepareChannelOrder('square', mapper, sale, 'evt-1', ports.skus);
    expect(report).toMatchObject({ published: 2, duplicates: 1 });
    expect(published.map((event) => event.detailType)).toEqual(['PosTransactionRecorded', 'PosTransactionRecorded']);
    for (const event of published)
      expect((event.data as { transaction: PosTransaction }).transaction).toEqual(
        (fetched.publish[0].data as { transaction: PosTransaction }).transaction,
      );
  });
});

describe('a till sale held for its mapping and mapped again from the archived answer', () => {
  test('is recorded as its store transaction, under the key the first mapping would have used', async () => {
    const published: FabricEvent[] = [];
    const answer = { order: readSquareFixture('retrieve-order-pos-vat-inclusive-gbp').order };
    const body = Buffer.from(JSON.stringify(answer));

    const remapped = await remapFetchedOrder(
      {
        channel: 'square',
        source: 'api-responses',
        requestId: 'till-sale-evt-1',
        receivedAt: '2025-06-02T10:05:45Z',
        headers: { 'x-fabric-notification': 'evt-1' },
        sizeBytes: body.length,
        bodyBase64: body.toString('base64'),
      },
      undefined,
      {
        channel: 'square',
        mapper,
        readAnswer: (raw) => ({ kind: 'order', payload: SquareOrder.parse((raw as typeof answer).order), raw }),
      },
      'api-responses/square/till-sale-evt-1',
      { publisher: { publish: async (events) => void published.push(...events) }, skus: skus(squareFixtureSkus) },
    );

    expect(remapped).toMatchObject({ outcome: 'republished' });
    expect(published.map((event) => event.detailType)).toEqual(['PosTransactionRecorded']);
    expect((published[0].data as { transaction: PosTransaction }).transaction.transactionId).toBe(
      'store-042:square-hZHkXM8ZQ7bRrvM6Lkg0GMq4HaGZY:2025-06-02:0',
    );
  });
});

describe('FABRIC_SQUARE_STORE_LOCATIONS', () => {
  test('maps nothing when unset', () => {
    expect(squareStoreLocationsFromEnv({})).toEqual({});
  });

  test('reads a location with its store, in UTC unless a time zone is given', () => {
    expect(squareStoreLocationsFromEnv({ FABRIC_SQUARE_STORE_LOCATIONS: '{"L1":{"storeId":"store-042"}}' })).toEqual({
      L1: { storeId: 'store-042', timeZone: 'UTC' },
    });
  });

  test.each([
    ['{"L1":', /FABRIC_SQUARE_STORE_LOCATIONS is not valid JSON/],
    ['{"L1":{"storeId":"wh-east"}}', /FABRIC_SQUARE_STORE_LOCATIONS L1\.storeId: "wh-east" is not a store location/],
    [
      '{"L1":{"storeId":"store-042","timeZone":"Mars/Olympus"}}',
      /FABRIC_SQUARE_STORE_LOCATIONS L1\.timeZone: must be an IANA/,
    ],
  ])('refuses %s with a ConfigError naming what is wrong', (value, message) => {
    const error = thrownBy(ConfigError, () => squareStoreLocationsFromEnv({ FABRIC_SQUARE_STORE_LOCATIONS: value }));

    expect(error.message).toMatch(message);
  });
});
