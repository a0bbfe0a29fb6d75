import type { OrderView } from '#domain/orders';
import type { TrailEntry } from '#domain/kernel/event-trail';
import { orderDetail, orderTrace, ordersWithSku, type OrderReadStores } from '#shared/operations/orders';

const usd = (amountMinor: number) => ({ amountMinor, currency: 'USD' });

function view(orderId: string, skus: (string | null)[]): OrderView {
  return {
    orderId,
    status: 'reserved',
    channelStatus: 'received',
    order: {
      orderId,
      channel: 'shopify',
      channelOrderId: `${orderId}-channel`,
      placedAt: '2026-12-06T09:00:00.000Z',
      totals: { total: usd(4800) },
      lines: skus.map((sku, i) => ({ lineId: String(i + 1), sku, channelSku: `C-${i}`, quantity: 2 })),
    } as unknown as NonNullable<OrderView['order']>,
    history: [
      {
        recordedAt: '2026-12-06T09:00:01.000Z',
        change: 'created',
        status: 'received',
        channelUpdatedAt: '2026-12-06T09:00:00.000Z',
        eventId: 'e1',
        deliveryId: 'd1',
      },
    ],
  };
}

function stores(
  overrides: Partial<{ [K in keyof OrderReadStores]: Partial<OrderReadStores[K]> }> = {},
): OrderReadStores {
  return {
    orders: {
      viewOrder: async () => undefined,
      findOrderId: async () => undefined,
      orderIdsWithSku: async () => ({ orderIds: [], more: false }),
      ...overrides.orders,
    },
    lifecycles: {
      load: async () => undefined,
      history: async () => ({ moves: [], refusals: [] }),
      ...overrides.lifecycles,
    },
    reservations: { readReservation: async () => ({ parts: [] }), ...overrides.reservations },
    erpDocuments: { find: async () => undefined, ...overrides.erpDocuments },
    trail: { forCorrelation: async () => [], ...overrides.trail },
  } as OrderReadStores;
}

describe('an order in detail', () => {
  it('adds one figure per line, location and state over a hot SKU’s buckets, and the ERP sales order posted', async () => {
    const allocation = { lineId: '1', sku: 'TEE', locationId: 'wh-east', consumed: 0 };
    const read = stores({
      orders: { viewOrder: async (orderId: string) => view(orderId, ['TEE']) },
      reservations: {
        readReservation: async () => ({
          header: {
            orderId: 'ord_1',
            channel: 'shopify',
            onShortage: 'reject',
            status: 'reserved',
            lines: [],
            updatedAt: '2026-12-06T09:00:02.000Z',
          },
          parts: [
            {
              partNo: 1,
              status: 'reserved',
              version: 1,
              allocations: [
                { ...allocation, shard: 0, quantity: 1 },
                { ...allocation, shard: 3, quantity: 1 },
                { ...allocation, locationId: 'store-042', shard: 0, quantity: 1 },
              ],
            },
          ],
        }),
      },
      erpDocuments: {
        find: async () => ({
          document: { erpDocumentId: 'guid', erpDocumentNumber: '101001' },
          recordedAt: '2026-12-06T09:00:03.000Z',
        }),
      },
    } as never);

    const detail = await orderDetail(read, 'ord_1');

    expect(detail?.reservation?.units).toEqual([
      { lineId: '1', sku: 'TEE', locationId: 'wh-east', quantity: 2, consumed: 0, state: 'reserved' },
      { lineId: '1', sku: 'TEE', locationId: 'store-042', quantity: 1, consumed: 0, state: 'reserved' },
    ]);
    expect(detail?.erpDocuments).toEqual([
      {
        erp: 'business-central',
        documentType: 'sales_order',
        key: 'ord_1',
        erpDocumentId: 'guid',
        erpDocumentNumber: '101001',
        recordedAt: '2026-12-06T09:00:03.000Z',
      },
    ]);
    expect(detail).not.toHaveProperty('lifecycle');
  });

  it('is undefined for an order the fabric knows nothing of', async () => {
    expect(await orderDetail(stores(), 'ord_none')).toBeUndefined();
  });
});

describe('the orders carrying a SKU', () => {
  it('lists the orders whose latest version still carries the SKU, with the units of it, and says whether more exist', async () => {
    const read = stores({
      orders: {
        orderIdsWithSku: async () => ({ orderIds: ['ord_new', 'ord_edited', 'ord_gone'], more: true }),
        viewOrder: async (orderId: string) =>
          orderId === 'ord_new'
            ? view(orderId, ['TEE', 'MUG', 'TEE'])
            : orderId === 'ord_edited'
              ? view(orderId, ['MUG'])
              : undefined,
      },
    } as never);

    const found = await ordersWithSku(read, 'TEE');

    expect(found).toEqual({
      sku: 'TEE',
      more: true,
      orders: [
        {
          orderId: 'ord_new',
          channel: 'shopify',
          channelOrderId: 'ord_new-channel',
          placedAt: '2026-12-06T09:00:00.000Z',
          status: 'reserved',
          total: usd(4800),
          quantity: 4,
        },
      ],
    });
  });

  it('never asks for more than a page of orders', async () => {
    const limits: number[] = [];
    const read = stores({
      orders: {
        orderIdsWithSku: async (_sku: string, limit: number) => {
          limits.push(limit);
          return { orderIds: [], more: false };
        },
      },
    } as never);

    await ordersWithSku(read, 'TEE', 10_000);

    expect(limits).toEqual([100]);
  });
});

describe('the trace', () => {
  it('puts what the stores recorded and every event at every queue on one timeline', async () => {
    const handled: TrailEntry = {
      correlationId: 'ord_1',
      eventId: 'e1',
      detailType: 'OrderReceived',
      eventTime: '2026-12-06T09:00:00.500Z',
      queue: 'fabric-order-intake',
      handledAt: '2026-12-06T09:00:00.900Z',
      outcome: 'handled',
      receiveCount: 1,
    };
    const read = stores({
      orders: { viewOrder: async (orderId: string) => view(orderId, ['TEE']) },
      trail: { forCorrelation: async () => [handled] },
    } as never);

    const trace = await orderTrace(read, 'ord_1');

    expect(trace?.steps.map((step) => [step.sinceStartMs, step.what])).toEqual([
      [400, 'OrderReceived handled at fabric-order-intake after 400 ms'],
      [500, 'order created (received)'],
    ]);
    expect(await orderTrace(stores(), 'ord_none')).toBeUndefined();
  });

  it('shows which sourcing rule chose where the stock is held, when it decided, in the trace and the detail', async () => {
    const sourcing = {
      ruleId: 'west-coast',
      ruleVersion: 2,
      deliveryMethod: 'ship' as const,
      candidates: ['store-042', 'wh-east'],
      shipComplete: false,
      maxParts: 2,
      reason: 'rule "west-coast" (version 2) matched shopify ship to US zone west',
      decidedAt: '2026-12-06T09:00:01.500Z',
    };
    const read = stores({
      orders: { viewOrder: async (orderId: string) => view(orderId, ['TEE']) },
      reservations: {
        readReservation: async () => ({
          header: {
            orderId: 'ord_1',
            channel: 'shopify',
            onShortage: 'reject',
            status: 'reserved',
            lines: [],
            updatedAt: '2026-12-06T09:05:00.000Z',
            sourcing,
          },
          parts: [],
        }),
      },
    } as never);

    const trace = await orderTrace(read, 'ord_1');
    const detail = await orderDetail(read, 'ord_1');

    expect(trace?.steps.map((step) => [step.sinceStartMs, step.what])).toEqual([
      [0, 'order created (received)'],
      [500, `stock sourced (reserved): ${sourcing.reason}`],
    ]);
    expect(detail?.reservation?.sourcing).toEqual(sourcing);
  });
});
