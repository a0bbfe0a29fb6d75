import { OrderNotStoredError } from '#domain/channel-sync/shipment-sync';
import {
  ReturnNotSyncableError,
  recordReturnOnChannel,
  type ChannelReturn,
  type ChannelReturnApi,
  type ReturnSyncPorts,
} from '#domain/channel-sync/return-sync';
import { memoryOnce } from '../support/memory-once';
import { orderIdFor, type Order, type SalesChannel } from '#domain/kernel/order';
import type { CustomerReturn } from '#domain/returns/model';

const usd = (amountMinor: number) => ({ amountMinor, currency: 'USD' });

function shopifyOrder(channelOrderId: string, channel: SalesChannel = 'shopify'): Order {
  return {
    orderId: orderIdFor(channel, channelOrderId),
    channel,
    channelOrderId,
    status: 'shipped',
    currency: 'USD',
    placedAt: '2026-11-27T08:00:00.000Z',
    channelUpdatedAt: '2026-11-27T08:00:00.000Z',
    taxesIncluded: false,
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
      {
        lineId: '2',
        channelLineId: '222',
        sku: 'MUG',
        channelSku: 'MUG',
        quantity: 1,
        unitPrice: usd(1200),
        discount: usd(0),
        taxes: [],
      },
    ],
    shipping: [],
    fees: [],
    totals: { lines: usd(6000), shipping: usd(0), discounts: usd(0), tax: usd(0), total: usd(6000) },
  };
}

function inStoreReturn(order: Order, overrides: Partial<CustomerReturn> = {}): CustomerReturn {
  return {
    returnId: `RET-${order.channelOrderId}`,
    receivedThrough: 'pos',
    soldThrough: order.channel,
    channelOrderId: order.channelOrderId,
    locationId: 'store-042',
    receivedAt: '2026-11-30T15:00:00.000Z',
    lines: [
      { sku: 'TEE-M', quantity: 1, reasonCode: 'WRONG_SIZE', condition: 'sellable', refund: usd(2400) },
      { lineId: '2', sku: 'MUG', quantity: 1, reasonCode: 'DEFECTIVE', condition: 'sellable', refund: usd(1200) },
    ],
    ...overrides,
  };
}

class RecordingReturnApi implements ChannelReturnApi {
  readonly told: ChannelReturn[] = [];
  constructor(readonly channel: SalesChannel) {}
  async recordReturn(channelReturn: ChannelReturn) {
    this.told.push(channelReturn);
    return { channelRefundId: `refund-${this.told.length}` };
  }
}

function ports(orders: Order[], apis: ChannelReturnApi[]): ReturnSyncPorts {
  return {
    orders: {
      getOrder: async (orderId) => {
        const order = orders.find((candidate) => candidate.orderId === orderId);
        return order ? { order } : undefined;
      },
      findOrderId: async (channel, channelOrderId) =>
        orders.find((o) => o.channel === channel && o.channelOrderId === channelOrderId)?.orderId,
    },
    returns: (channel) => apis.find((api) => api.channel === channel),
    once: memoryOnce(),
  };
}

describe("returns told to the order's channel", () => {
  it('tells the channel the returned lines by its own line ids, whether each was restocked, and what was refunded in all', async () => {
    const order = shopifyOrder('5001');
    const shopify = new RecordingReturnApi('shopify');

    const result = await recordReturnOnChannel(inStoreReturn(order), ports([order], [shopify]));

    expect(result).toEqual({
      outcome: 'recorded',
      orderId: order.orderId,
      channel: 'shopify',
      channelRefundId: 'refund-1',
      duplicate: false,
    });
    expect(shopify.told).toEqual([
      {
        returnId: 'RET-5001',
        orderId: order.orderId,
        channelOrderId: '5001',
        receivedThrough: 'pos',
        receivedAt: '2026-11-30T15:00:00.000Z',
        lines: [
          {
            channelLineId: '111',
            sku: 'TEE-M',
            quantity: 1,
            reasonCode: 'WRONG_SIZE',
            restocked: true,
            refund: usd(2400),
          },
          {
            channelLineId: '222',
            sku: 'MUG',
            quantity: 1,
            reasonCode: 'DEFECTIVE',
            restocked: false,
            refund: usd(1200),
          },
        ],
        refunded: usd(3600),
      },
    ]);
  });

  it('tells the channel once per return id, however often the return is delivered', async () => {
    const order = shopifyOrder('5002');
    const shopify = new RecordingReturnApi('shopify');
    const sync = ports([order], [shopify]);

    await recordReturnOnChannel(inStoreReturn(order), sync);
    const again = await recordReturnOnChannel(inStoreReturn(order), sync);

    expect(again).toMatchObject({ outcome: 'recorded', duplicate: true });
    expect(shopify.told).toHaveLength(1);
  });

  it("never echoes a return the order's own channel reported", async () => {
    const order = shopifyOrder('5003');
    const shopify = new RecordingReturnApi('shopify');

    const result = await recordReturnOnChannel(
      inStoreReturn(order, { receivedThrough: 'shopify' }),
      ports([order], [shopify]),
    );

    expect(result).toMatchObject({ outcome: 'reported_by_channel', channel: 'shopify' });
    expect(shopify.told).toHaveLength(0);
  });

  it('records a channel without a returns API here for a person to act on', async () => {
    const order = shopifyOrder('111-0000001-0000001', 'amazon');

    const result = await recordReturnOnChannel(
      inStoreReturn(order),
      ports([order], [new RecordingReturnApi('shopify')]),
    );

    expect(result).toMatchObject({ outcome: 'no_channel_api', channel: 'amazon', orderId: order.orderId });
  });

  it('throws OrderNotStoredError for a return naming an order the fabric does not know, so the queue keeps it', async () => {
    const order = shopifyOrder('5004');

    await expect(
      recordReturnOnChannel(inStoreReturn(order), ports([], [new RecordingReturnApi('shopify')])),
    ).rejects.toBeInstanceOf(OrderNotStoredError);
  });

  it('refuses to tell a channel of a returned line the order does not have', async () => {
    const order = shopifyOrder('5005');
    const shopify = new RecordingReturnApi('shopify');
    const stray = inStoreReturn(order, {
      lines: [{ sku: 'NOT-ON-ORDER', quantity: 1, reasonCode: 'WRONG_SIZE', condition: 'sellable', refund: usd(500) }],
    });

    await expect(recordReturnOnChannel(stray, ports([order], [shopify]))).rejects.toThrow(ReturnNotSyncableError);
    expect(shopify.told).toHaveLength(0);
  });
});
