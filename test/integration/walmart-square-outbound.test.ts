import { PublishCommand } from '@aws-sdk/client-sns';
import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { squareVariationId } from '../../scripts/channel-stubs/outbound-channel-stub';
import { EventSource } from '#events/catalog';
import { availabilityKey } from '#domain/channel-sync/availability-sync';
import type { SalesChannel } from '#domain/kernel/order';
import { DEVELOPMENT_API_CREDENTIALS } from '#shared/channels/channel-credentials';
import { DynamoPublicationLedger } from '#shared/adapters/publication-ledger';
import { EventProbe, orderReceivedBody, postAdjustment, stockOrder } from './support/inventory-support';
import { SHIPMENT_TRACKING_NUMBER, shipDeliveredTwice } from './support/shipment-support';
import { eventually, startTestFabric } from './support/test-fabric';

/**
 * Walmart and Square both ways through the local fabric: availability through each channel's
 * inventory queue and the publication ledger, the drift check reading both back, shipments through
 * channel-order-sync and prices through price-distribution, all against the channel API stub.
 */
process.env.FABRIC_INVENTORY_POLICY = JSON.stringify({ channels: { walmart: {}, square: {} } });
const CHANNELS: SalesChannel[] = ['walmart', 'square'];
const reference = { kind: 'erp_document', id: 'PO-WS-1' };
const BUS_WAIT_MS = 30_000;

let fabric: LocalFabric;
let probe: EventProbe;
let ledger: DynamoPublicationLedger;
let skuNo = 0;

beforeAll(async () => {
  fabric = await startTestFabric('walmart-square-outbound', { scheduleIntervalMs: () => 0 });
  probe = await EventProbe.subscribe(fabric, { source: [EventSource.channels] });
  ledger = new DynamoPublicationLedger(fabric.resources.tables.channelPublications);
});

afterAll(async () => {
  await fabric?.stop();
});

const stub = () => fabric.channelApis.outbound;
const newSku = (name: string) => `WS-${name}-${++skuNo}-${Date.now() % 100000}`;

async function adjust(type: 'receipt' | 'sale', sku: string, quantity: number): Promise<void> {
  const ref = type === 'receipt' ? reference : { kind: 'pos_transaction', id: `POS-${sku}-${Math.random()}` };
  expect((await postAdjustment(fabric, { type, sku, locationId: 'wh-east', quantity, reference: ref })).status).toBe(
    201,
  );
}

async function bothShow(sku: string, quantity: number): Promise<void> {
  await eventually(`Walmart and Square to receive ${quantity} for ${sku}`, async () =>
    CHANNELS.every((channel) => stub().quantitiesSent(channel, sku).at(-1) === quantity) ? true : undefined,
  );
}

describe('Walmart and Square availability', () => {
  it('publishes each figure once, coalesces a burst, in version order, and acknowledges it in the ledger', async () => {
    const sku = newSku('BURST');
    await adjust('receipt', sku, 40);
    await bothShow(sku, 40);

    for (let wave = 0; wave < 5; wave += 1) await Promise.all(Array.from({ length: 6 }, () => adjust('sale', sku, 1)));

    await bothShow(sku, 10);
    for (const channel of CHANNELS) {
      const sent = stub().quantitiesSent(channel, sku);
      // 31 figures were decided; the queue's batching and the ledger's lease send far fewer, none twice.
      expect(sent.length).toBeLessThan(31);
      expect(new Set(sent).size).toBe(sent.length);
      expect(sent.every((quantity, i) => i === 0 || quantity < sent[i - 1])).toBe(true);
      const published = await eventually(`${channel} to acknowledge 10`, async () => {
        const record = await ledger.read(availabilityKey(channel, sku));
        return record?.published?.value === 10 ? record.published : undefined;
      });
      expect(Date.parse(published.acknowledgedAt)).toBeGreaterThanOrEqual(Date.parse(published.eventTime));
    }
    // Square's variation is found in the catalog once and kept as the listing ref.
    expect((await ledger.read(availabilityKey('square', sku)))?.listingRef).toBe(squareVariationId(sku));
  });

  it('has the drift check read both channels back and put a figure a merchant changed by hand right', async () => {
    const sku = newSku('DRIFT');
    await adjust('receipt', sku, 9);
    await bothShow(sku, 9);
    stub().setListed('walmart', sku, 3);
    stub().setListed('square', sku, 2);

    await fabric.runScheduled('channel-drift-check');

    expect(stub().listedQuantity('walmart', sku)).toBe(9);
    expect(stub().listedQuantity('square', sku)).toBe(9);
    const corrections = await eventually('ChannelDriftCorrected for both', async () => {
      await probe.drain();
      const found = probe.distinct('ChannelDriftCorrected').filter((event) => event.data.sku === sku);
      return found.length === 2 ? found : undefined;
    });
    expect(corrections.map((event) => event.data).sort((a, b) => a.channel.localeCompare(b.channel))).toEqual([
      expect.objectContaining({ channel: 'square', reason: 'LISTED_QUANTITY_DIFFERS', listed: 2, corrected: 9 }),
      expect.objectContaining({ channel: 'walmart', reason: 'LISTED_QUANTITY_DIFFERS', listed: 3, corrected: 9 }),
    ]);
  });
});

describe('Walmart and Square shipments', () => {
  it.each(['walmart', 'square'] as const)(
    'confirms the shipment on the %s order exactly once when the event is delivered twice',
    async (channel) => {
      const channelOrderId = `${channel}-ship-${++skuNo}-${Date.now() % 100000}`;
      const order = stockOrder(channel, channelOrderId, [{ sku: newSku('SHIP'), quantity: 2 }]);
      await adjust('receipt', order.lines[0].sku!, 2);
      stub().addOrder(channel, channelOrderId, {
        lines: order.lines.map((line) => ({ lineId: line.channelLineId, quantity: line.quantity })),
      });
      fabric.channelApis.square.orders.set(channelOrderId, {
        id: channelOrderId,
        location_id: DEVELOPMENT_API_CREDENTIALS.square!.locationId,
        version: 2,
        state: 'OPEN',
        fulfillments: [{ uid: `F-${channelOrderId}`, type: 'SHIPMENT', state: 'RESERVED' }],
      });
      await fabric.clients.sns.send(
        new PublishCommand({ TopicArn: fabric.resources.topicArn, Message: orderReceivedBody(order) }),
      );
      await eventually('the order stored', async () =>
        (await fetch(`${fabric.apiUrl}/orders/${order.orderId}`)).status === 200 ? true : undefined,
      );
      const { recorded, dlqDepth } = await shipDeliveredTwice(fabric, order);

      expect(dlqDepth).toBe(0);
      expect(recorded).toHaveLength(1);
      expect(JSON.stringify(recorded[0].body)).toContain(SHIPMENT_TRACKING_NUMBER);
      if (channel === 'square')
        expect(fabric.channelApis.square.orders.get(channelOrderId)).toMatchObject({
          version: 3,
          fulfillments: [{ state: 'COMPLETED', shipment_details: { carrier: 'UPS' } }],
        });
    },
  );
});

describe('Walmart and Square prices', () => {
  it('distributes a price to both: dollars on Walmart, cents on the Square variation', async () => {
    const sku = newSku('PRICE');
    const post = async (path: string, body: unknown) =>
      (
        await fetch(`${fabric.apiUrl}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        })
      ).status;
    expect(
      await post('/products', {
        sourceSystem: 'erp',
        products: [
          {
            sku,
            title: `Mug ${sku}`,
            listings: [
              { channel: 'walmart', channelSku: sku },
              { channel: 'square', channelSku: sku },
            ],
          },
        ],
      }),
    ).toBe(200);

    expect(
      await post('/prices', {
        sku,
        priceList: 'base',
        currency: 'USD',
        amountMinor: 2499,
        effectiveFrom: new Date(Date.now() - 60_000).toISOString(),
        sourceSystem: 'erp',
      }),
    ).toBe(200);

    const walmart = await eventually(
      'the price on Walmart',
      async () => fabric.channelApis.prices.walmart.get(sku),
      BUS_WAIT_MS,
    );
    expect(walmart).toMatchObject({ price: '24.99', currency: 'USD' });
    const square = await eventually(
      'the price on Square',
      async () => fabric.channelApis.prices.square.get(squareVariationId(sku)),
      BUS_WAIT_MS,
    );
    expect(square).toMatchObject({ amountMinor: 2499, currency: 'USD', version: 2 });
  });
});
