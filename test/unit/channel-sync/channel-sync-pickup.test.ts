import { OrderNotStoredError } from '#domain/channel-sync/shipment-sync';
import {
  PickupNotSyncableError,
  tellChannelPickupReady,
  type ChannelPickup,
  type ChannelPickupApi,
  type PickupAtStore,
  type PickupSyncPorts,
} from '#domain/channel-sync/pickup-sync';
import {
  cancelOnChannel,
  cancellationReasonFor,
  type ChannelCancellation,
  type ChannelCancellationApi,
} from '#domain/channel-sync/cancellation-sync';
import { memoryOnce } from '../support/memory-once';
import { MemoryPublisher } from '../support/pos-in-memory';
import { exceptionFrom } from '#domain/exceptions/model';
import { orderIdFor, type Order, type SalesChannel } from '#domain/kernel/order';

const usd = (amountMinor: number) => ({ amountMinor, currency: 'USD' });

function pickupOrder(channelOrderId: string, channel: SalesChannel = 'shopify'): Order {
  return {
    orderId: orderIdFor(channel, channelOrderId),
    channel,
    channelOrderId,
    status: 'posted_to_erp',
    currency: 'USD',
    placedAt: '2026-12-01T08:00:00.000Z',
    channelUpdatedAt: '2026-12-01T08:00:00.000Z',
    taxesIncluded: false,
    delivery: { method: 'pickup', channelLocationId: '71234567801' },
    lines: [
      {
        lineId: '1',
        channelLineId: '111',
        sku: 'TEE-M',
        channelSku: 'TEE-M',
        quantity: 2,
        unitPrice: usd(2400),
        discount: usd(0),
        taxes: [],
      },
    ],
    shipping: [],
    fees: [],
    totals: { lines: usd(4800), shipping: usd(0), discounts: usd(0), tax: usd(0), total: usd(4800) },
  };
}

function readyAt(order: Order, overrides: Partial<PickupAtStore> = {}): PickupAtStore {
  return {
    orderId: order.orderId,
    locationId: 'store-austin',
    pickupCode: 'K7P2Q9',
    readyAt: '2026-12-01T12:00:00.000Z',
    lines: [{ lineId: '1', sku: 'TEE-M', quantity: 2 }],
    ...overrides,
  };
}

class RecordingPickupApi implements ChannelPickupApi {
  readonly told: ChannelPickup[] = [];
  constructor(readonly channel: SalesChannel = 'shopify') {}
  async pickupReady(pickup: ChannelPickup) {
    this.told.push(pickup);
    return { channelReference: `gid://shopify/FulfillmentOrder/${pickup.channelOrderId}` };
  }
}

function ports(orders: Order[], api: ChannelPickupApi | undefined): PickupSyncPorts {
  return {
    orders: {
      getOrder: async (orderId) => {
        const order = orders.find((candidate) => candidate.orderId === orderId);
        return order ? { order } : undefined;
      },
    },
    pickups: (channel) => (api?.channel === channel ? api : undefined),
    once: memoryOnce(),
  };
}

describe('telling the channel a pickup is ready', () => {
  it("tells the channel once per order and store, in the channel's line ids and with the order's chosen store", async () => {
    const order = pickupOrder('9001');
    const api = new RecordingPickupApi();
    const sync = ports([order], api);

    const first = await tellChannelPickupReady(readyAt(order), sync);
    const redelivered = await tellChannelPickupReady(readyAt(order), sync);

    expect(first).toEqual({
      outcome: 'told',
      orderId: order.orderId,
      channel: 'shopify',
      channelReference: 'gid://shopify/FulfillmentOrder/9001',
      duplicate: false,
    });
    expect(redelivered.duplicate).toBe(true);
    expect(api.told).toEqual([
      {
        orderId: order.orderId,
        channelOrderId: '9001',
        channelLocationId: '71234567801',
        pickupCode: 'K7P2Q9',
        readyAt: '2026-12-01T12:00:00.000Z',
        lines: [{ channelLineId: '111', sku: 'TEE-M', quantity: 2 }],
      },
    ]);
  });

  it("prefers the event's store and line ids, and tells a part re-sourced to another store again", async () => {
    const order = pickupOrder('9002');
    const api = new RecordingPickupApi();
    const sync = ports([order], api);

    await tellChannelPickupReady(readyAt(order), sync);
    await tellChannelPickupReady(
      readyAt(order, {
        locationId: 'store-round-rock',
        channelLocationId: '71234567802',
        lines: [{ lineId: '1', channelLineId: '111', sku: 'TEE-M', quantity: 2 }],
      }),
      sync,
    );

    expect(api.told.map((pickup) => pickup.channelLocationId)).toEqual(['71234567801', '71234567802']);
  });

  it('throws OrderNotStoredError while the order is unknown, so the message is retried', async () => {
    const order = pickupOrder('9003');

    await expect(tellChannelPickupReady(readyAt(order), ports([], new RecordingPickupApi()))).rejects.toThrow(
      OrderNotStoredError,
    );
  });

  it('refuses a ready line the order does not have, naming it', async () => {
    const order = pickupOrder('9004');
    const api = new RecordingPickupApi();

    await expect(
      tellChannelPickupReady(
        readyAt(order, { lines: [{ lineId: '7', sku: 'MUG', quantity: 1 }] }),
        ports([order], api),
      ),
    ).rejects.toThrow(
      new PickupNotSyncableError(`pickup of order ${order.orderId} at store-austin: line 7 is not on the order`),
    );
    expect(api.told).toEqual([]);
  });

  it('records a channel with no way to tell its customer as no_channel_api', async () => {
    const order = pickupOrder('9005', 'ebay');

    const result = await tellChannelPickupReady(readyAt(order), ports([order], new RecordingPickupApi()));

    expect(result).toEqual({ outcome: 'no_channel_api', orderId: order.orderId, channel: 'ebay', duplicate: false });
  });
});

describe('cancelling on the channel after an expired pickup', () => {
  it('names the reason from the lifecycle move: stock refused or pickup expired, nothing else', () => {
    expect(cancellationReasonFor('stock_refused')).toBe('OUT_OF_STOCK');
    expect(cancellationReasonFor('pickup_expired')).toBe('PICKUP_EXPIRED');
    expect(cancellationReasonFor('order_cancelled')).toBeUndefined();
  });

  it('asks the channel to cancel with the reason and what the customer paid, for the refund', async () => {
    const order = pickupOrder('9006');
    const asked: ChannelCancellation[] = [];
    const api: ChannelCancellationApi = {
      channel: 'shopify',
      cancelOrder: async (cancellation) => {
        asked.push(cancellation);
      },
    };

    await cancelOnChannel(
      order.orderId,
      {
        orders: { getOrder: async () => ({ order }) },
        cancellation: () => api,
        once: memoryOnce(),
        publisher: new MemoryPublisher(),
      },
      'PICKUP_EXPIRED',
    );

    expect(asked).toEqual([
      { orderId: order.orderId, channelOrderId: '9006', reason: 'PICKUP_EXPIRED', total: usd(4800) },
    ]);
  });

  it('raises ChannelCancellationNeeded once for a channel it cannot cancel on: a person cancels and refunds it there', async () => {
    const order = pickupOrder('9007');
    const publisher = new MemoryPublisher();
    const ports = {
      orders: { getOrder: async () => ({ order }) },
      cancellation: () => undefined,
      once: memoryOnce(),
      publisher,
    };

    const first = await cancelOnChannel(order.orderId, ports, 'PICKUP_EXPIRED', { causationId: 'evt-1' });
    await cancelOnChannel(order.orderId, ports, 'PICKUP_EXPIRED', { causationId: 'evt-1' });

    expect(first).toMatchObject({ outcome: 'no_channel_api' });
    const [raised, ...more] = publisher.ofType('ChannelCancellationNeeded');
    expect(more).toEqual([]);
    expect(raised).toMatchObject({
      correlationId: order.orderId,
      causationId: 'evt-1',
      data: { orderId: order.orderId, channelOrderId: '9007', reason: 'PICKUP_EXPIRED', total: usd(4800) },
    });
    expect(exceptionFrom(raised)).toMatchObject({
      kind: 'ChannelCancellationNeeded',
      severity: 'critical',
      orderId: order.orderId,
      reasonCode: 'CANCEL_ON_CHANNEL',
      reason: expect.stringContaining('its pickup was never collected'),
    });
    expect(exceptionFrom(raised).reason).toContain('refund 48.00 USD');
  });
});
