import { PublishCommand } from '@aws-sdk/client-sns';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { lag } from '../../scripts/ops/channel';
import { EventSource } from '#events/catalog';
import { createEvent } from '#domain/kernel/event';
import { OrderStateChanged } from '#domain/orders/events';
import { ReturnReceived } from '#domain/returns/events';
import { toWireEvent, type FabricEvent } from '#domain/kernel/event';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { DEVELOPMENT_API_CREDENTIALS } from '#shared/channels/channel-credentials';
import { DynamoPublicationLedger } from '#shared/adapters/publication-ledger';
import { outboundChannelApisFromEnv } from '#shared/channels/channel-apis';
import { apiCredentialsEnvVar } from '#shared/config/topology';
import { availabilityKey } from '#domain/channel-sync/availability-sync';
import type { SalesChannel } from '#domain/kernel/order';
import { EventProbe, orderReceivedBody, postAdjustment, queueDepth, stockOrder } from './support/inventory-support';
import { eventually, startTestFabric } from './support/test-fabric';
import { SHIPMENT_TRACKING_NUMBER, shipDeliveredTwice } from './support/shipment-support';

// Every channel the fabric publishes to is exposed, each shown the whole available-to-sell.
process.env.FABRIC_INVENTORY_POLICY = JSON.stringify({
  channels: { shopify: {}, amazon: {}, ebay: {}, woocommerce: {} },
});
const CHANNELS: SalesChannel[] = ['shopify', 'amazon', 'ebay', 'woocommerce'];
const reference = { kind: 'erp_document', id: 'PO-1' };

let fabric: LocalFabric;
let probe: EventProbe;
let ledger: DynamoPublicationLedger;
let skuNo = 0;

beforeAll(async () => {
  fabric = await startTestFabric('channel-sync', { scheduleIntervalMs: () => 0 });
  probe = await EventProbe.subscribe(fabric, { source: [EventSource.channels] });
  ledger = new DynamoPublicationLedger(fabric.resources.tables.channelPublications);
});

afterAll(async () => {
  await fabric?.stop();
});

const stub = () => fabric.channelApis.outbound;
const newSku = (name: string) => `SYNC-${name}-${++skuNo}-${Date.now() % 100000}`;

async function receive(sku: string, quantity: number): Promise<void> {
  expect(
    (await postAdjustment(fabric, { type: 'receipt', sku, locationId: 'wh-east', quantity, reference })).status,
  ).toBe(201);
}

async function sell(sku: string, quantity = 1): Promise<void> {
  expect(
    (
      await postAdjustment(fabric, {
        type: 'sale',
        sku,
        locationId: 'wh-east',
        quantity,
        reference: { kind: 'pos_transaction', id: `POS-${sku}` },
      })
    ).status,
  ).toBe(201);
}

/** Waits until every channel's last received quantity for the SKU is `quantity`. */
async function everyChannelShows(
  sku: string,
  quantity: number,
  channels = CHANNELS,
  timeoutMs = 20_000,
): Promise<void> {
  await eventually(
    `${channels.join(', ')} to receive ${quantity} for ${sku}`,
    async () =>
      channels.every((channel) => stub().quantitiesSent(channel, sku).at(-1) === quantity) ? true : undefined,
    timeoutMs,
  );
}

/** The ledger's acknowledged figure for a SKU once it is `value` (the stub hears it a moment before the ledger records it). */
async function acknowledged(channel: SalesChannel, sku: string, value: number) {
  return eventually(`${channel} to acknowledge ${value} for ${sku}`, async () => {
    const published = (await ledger.read(availabilityKey(channel, sku)))?.published;
    return published?.value === value ? published : undefined;
  });
}

/**
 * A channel order the channel's stub knows (so what the fabric sends about it can land there), taken
 * in through the bus and stored. An order stock cannot cover is refused and, as it should be,
 * cancelled on its channel: tests that do not mean that receive stock for it first.
 */
async function takeOrder(order: ReturnType<typeof stockOrder>): Promise<void> {
  stub().addOrder(order.channel, order.channelOrderId, {
    lines: order.lines.map((line) => ({ lineId: line.channelLineId, quantity: line.quantity })),
  });
  await fabric.clients.sns.send(
    new PublishCommand({ TopicArn: fabric.resources.topicArn, Message: orderReceivedBody(order) }),
  );
  await eventually('the order stored', async () =>
    (await fetch(`${fabric.apiUrl}/orders/${order.orderId}`)).status === 200 ? true : undefined,
  );
}

async function publish(event: FabricEvent): Promise<void> {
  await fabric.clients.sns.send(
    new PublishCommand({ TopicArn: fabric.resources.topicArn, Message: JSON.stringify(toWireEvent(event)) }),
  );
}

/** Strictly decreasing: each figure was sent after every figure of an older version. */
function inVersionOrder(sent: number[]): boolean {
  return sent.every((quantity, i) => i === 0 || quantity < sent[i - 1]);
}

describe('availability publication', () => {
  it('makes every channel receive 0 when the last unit sells', async () => {
    const sku = newSku('LAST');
    await receive(sku, 1);
    await everyChannelShows(sku, 1);

    await sell(sku);

    await everyChannelShows(sku, 0);
    for (const channel of CHANNELS) {
      const published = await acknowledged(channel, sku, 0);
      expect(Date.parse(published.acknowledgedAt)).toBeGreaterThanOrEqual(Date.parse(published.eventTime));
    }
  });

  it('coalesces a burst of 100 changes into far fewer calls, ending on the latest figure', async () => {
    const sku = newSku('BURST');
    await receive(sku, 150);
    await everyChannelShows(sku, 150);

    // A flash sale: ten tills at once, ten times over.
    for (let wave = 0; wave < 10; wave += 1) await Promise.all(Array.from({ length: 10 }, () => sell(sku)));

    await everyChannelShows(sku, 50);
    for (const channel of CHANNELS) {
      const sent = stub().quantitiesSent(channel, sku).slice(1);
      expect(sent.length).toBeLessThan(40);
      expect(inVersionOrder(sent)).toBe(true);
      await acknowledged(channel, sku, 50);
    }
  });

  it('loses no update and sends none out of order while the channels answer 429', async () => {
    const sku = newSku('THROTTLED');
    await receive(sku, 40);
    await everyChannelShows(sku, 40);
    fabric.channelApis.fail({
      method: 'POST',
      path: /^\/sell\/inventory\/v1\/bulk_update_price_quantity$/,
      status: 429,
      headers: { 'retry-after': '1' },
      body: { errors: [{ errorId: 2001, message: 'Too many requests' }] },
      times: 3,
    });
    fabric.channelApis.fail({
      method: 'POST',
      path: /^\/wp-json\/wc\/v3\/products\/batch$/,
      status: 429,
      headers: { 'retry-after': '1' },
      times: 3,
    });
    fabric.channelApis.fail({
      method: 'POST',
      path: /graphql\.json$/,
      status: 429,
      headers: { 'retry-after': '1' },
      times: 3,
    });
    fabric.channelApis.fail({
      method: 'PATCH',
      path: /^\/listings\/2021-08-01\/items\//,
      status: 429,
      headers: { 'retry-after': '1' },
      body: { errors: [{ code: 'QuotaExceeded', message: 'You exceeded your quota for the requested resource.' }] },
      times: 3,
    });

    for (let i = 0; i < 15; i += 1) await sell(sku);

    await everyChannelShows(sku, 25, CHANNELS, 40_000);
    expect(fabric.channelApis.requests.filter((request) => request.status === 429).length).toBeGreaterThanOrEqual(12);
    for (const channel of CHANNELS) expect(inVersionOrder(stub().quantitiesSent(channel, sku))).toBe(true);
  });
});

describe('outbound rate budgets', () => {
  it("spends the budget the seller's plan grants (FABRIC_CHANNEL_RATE_LIMITS), in the bucket every container shares", async () => {
    // A store of its own, so its bucket is not the one the fabric's consumers spend in this file.
    const host = `budget-${Date.now()}.example`;
    const credentials = { ...DEVELOPMENT_API_CREDENTIALS.woocommerce, storeUrl: `https://${host}` };
    const table = fabric.resources.tables.channelPublications;
    // One request an hour: a token moves the bucket's schedule an hour on, where WooCommerce's default (5 a second) moves it 200 ms.
    const apis = outboundChannelApisFromEnv(table, {
      ...process.env,
      [apiCredentialsEnvVar('woocommerce')]: JSON.stringify(credentials),
      FABRIC_CHANNEL_RATE_LIMITS: JSON.stringify({ woocommerce: { ratePerSecond: 1 / 3600, burst: 10 } }),
    });
    const before = Date.now();

    await apis.inventory('woocommerce')!.readAvailable([{ sku: newSku('BUDGET') }]);

    const { Item } = await DynamoDBDocumentClient.from(fabric.clients.dynamodb).send(
      new GetCommand({ TableName: table, Key: { pk: `RATE#woocommerce#${host}`, sk: 'BUCKET' }, ConsistentRead: true }),
    );
    expect(Item?.tat).toBeGreaterThanOrEqual(before + 3_600_000);
  });
});

describe('the publication ledger', () => {
  it('offers a figure and claims its lease in one write only when the figure is newer and nobody holds the lease', async () => {
    const sku = newSku('OFFER');
    const key = availabilityKey('ebay', sku);
    const figure = (version: number) => ({ version, value: version, eventTime: new Date().toISOString() });

    const first = await ledger.offerAndClaim(key, sku, figure(1), 'first', 60_000);
    const sameVersion = await ledger.offerAndClaim(key, sku, figure(1), 'second', 60_000);
    const whileHeld = await ledger.offerAndClaim(key, sku, figure(2), 'second', 60_000);

    expect(first).toMatchObject({ sku, wanted: { version: 1 }, lease: { owner: 'first' } });
    expect(sameVersion).toBeUndefined();
    expect(whileHeld).toBeUndefined();
    expect(await ledger.read(key)).toMatchObject({ wanted: { version: 1 }, lease: { owner: 'first' } });
  });
});

describe('drift check', () => {
  it('re-publishes a figure a channel lost and says why', async () => {
    const sku = newSku('DRIFT');
    await receive(sku, 9);
    await everyChannelShows(sku, 9);
    stub().setListed('woocommerce', sku, 3);

    await fabric.runScheduled('channel-drift-check');

    expect(stub().listedQuantity('woocommerce', sku)).toBe(9);
    const corrected = await eventually('ChannelDriftCorrected', async () => {
      await probe.drain();
      return probe.distinct('ChannelDriftCorrected').find((event) => event.data.sku === sku);
    });
    expect(corrected.data).toMatchObject({
      channel: 'woocommerce',
      reason: 'LISTED_QUANTITY_DIFFERS',
      listed: 3,
      corrected: 9,
    });
    expect(probe.distinct('ChannelDriftCorrected').filter((event) => event.data.sku === sku)).toHaveLength(1);
  });
});

describe('oversell incidents', () => {
  it('raises one when a channel accepts an order after acknowledging zero, and the same one when the order comes again', async () => {
    const sku = newSku('OVERSOLD');
    await receive(sku, 1);
    await everyChannelShows(sku, 1, ['shopify']);
    await sell(sku);
    const zero = await acknowledged('shopify', sku, 0);

    const order = {
      ...stockOrder('shopify', `oversold-${sku}`, [{ sku, quantity: 1 }]),
      placedAt: new Date(Date.parse(zero.acknowledgedAt) + 1000).toISOString(),
    };
    await takeOrder(order);

    const incident = await eventually('OversellIncident', async () => {
      await probe.drain();
      return probe.distinct('OversellIncident').find((event) => event.data.sku === sku);
    });
    expect(incident.correlationId).toBe(order.orderId);
    expect(incident.data).toMatchObject({
      channel: 'shopify',
      orderId: order.orderId,
      quantity: 1,
      timeline: {
        zeroAcknowledgedAt: zero.acknowledgedAt,
        orderPlacedAt: order.placedAt,
        availabilityVersion: zero.version,
      },
    });

    // No idempotency record guards the check: a second delivery publishes the incident under the same id.
    await fabric.clients.sns.send(
      new PublishCommand({ TopicArn: fabric.resources.topicArn, Message: orderReceivedBody(order) }),
    );
    const sightings = await eventually('the second check of the order', async () => {
      await probe.drain();
      const found = probe.events.filter(
        (event) => event.detailType === 'OversellIncident' && (event.data as { sku: string }).sku === sku,
      );
      return found.length >= 2 ? found : undefined;
    });
    expect(new Set(sightings.map((event) => event.id))).toEqual(new Set([incident.id]));
    // ...which the exceptions work queue counts once.
    const exceptionsQueue = fabric.resources.queues.exceptions.url;
    await eventually('the exceptions queue to take both', async () =>
      (await queueDepth(fabric, exceptionsQueue)) === 0 ? true : undefined,
    );
    const { exceptions } = (await (await fetch(`${fabric.apiUrl}/exceptions?kind=OversellIncident`)).json()) as {
      exceptions: { orderId?: string; reasonCode: string; count: number; fieldPaths: string[] }[];
    };
    expect(
      exceptions.filter((row) => row.orderId === order.orderId).map(({ count, fieldPaths }) => ({ count, fieldPaths })),
    ).toEqual([{ count: 1, fieldPaths: [`sku:${sku}`] }]);
  });
});

describe('shipments back to the channel', () => {
  it.each(['ebay', 'shopify', 'woocommerce', 'amazon'] as const)(
    'reaches the %s order exactly once when the event is delivered twice',
    async (channel) => {
      const channelOrderId = channel === 'woocommerce' ? String(7000 + ++skuNo) : `${channel}-ship-${++skuNo}`;
      const order = stockOrder(channel, channelOrderId, [{ sku: newSku('SHIP'), quantity: 2 }]);
      await receive(order.lines[0].sku!, 2);
      await takeOrder(order);
      const { recorded, dlqDepth } = await shipDeliveredTwice(fabric, order);

      expect(dlqDepth).toBe(0);
      expect(recorded).toHaveLength(1);
      expect(JSON.stringify(recorded[0].body)).toContain(SHIPMENT_TRACKING_NUMBER);
    },
  );
});

describe('cancellations back to the channel', () => {
  it.each(['shopify', 'woocommerce'] as const)(
    "asks %s to cancel an order the fabric refused for stock, once, and never echoes the channel's own cancellation",
    async (channel) => {
      const refusedId = String(8000 + ++skuNo);
      const cancelledThereId = String(8000 + ++skuNo);
      const refused = stockOrder(channel, refusedId, [{ sku: newSku('CANCEL'), quantity: 1 }]);
      const cancelledThere = stockOrder(channel, cancelledThereId, [{ sku: newSku('CANCEL'), quantity: 1 }]);
      // Both are covered by stock, so only the events below say anything about cancelling.
      for (const order of [refused, cancelledThere]) {
        await receive(order.lines[0].sku!, 1);
        await takeOrder(order);
      }
      const stockRefused = createEvent(
        OrderStateChanged,
        { orderId: refused.orderId, from: 'received', to: 'cancelled', version: 2, on: 'stock_refused' },
        { correlationId: refused.orderId },
      );
      const channelCancelled = createEvent(
        OrderStateChanged,
        { orderId: cancelledThere.orderId, from: 'received', to: 'cancelled', version: 2, on: 'order_cancelled' },
        { correlationId: cancelledThere.orderId },
      );
      const queue = fabric.resources.queues['channel-cancellation-sync'];

      await publish(channelCancelled);
      await publish(stockRefused);
      await eventually(`${channel} to cancel the refused order`, async () =>
        stub().cancellations.some((c) => c.channelOrderId === refusedId) ? true : undefined,
      );
      await eventually('the delivery consumed', async () =>
        (await queueDepth(fabric, queue.url)) === 0 ? true : undefined,
      );
      await fabric.clients.sqs.send(
        new SendMessageCommand({ QueueUrl: queue.url, MessageBody: JSON.stringify(toWireEvent(stockRefused)) }),
      );
      await eventually('the redelivery consumed', async () =>
        (await queueDepth(fabric, queue.url)) === 0 ? true : undefined,
      );

      expect(stub().cancellations.filter((c) => c.channel === channel && c.channelOrderId === refusedId)).toHaveLength(
        1,
      );
      expect(stub().cancellations.filter((c) => c.channelOrderId === cancelledThereId)).toHaveLength(0);
      expect(await queueDepth(fabric, queue.dlqUrl)).toBe(0);
    },
  );
});

describe('returns back to the channel', () => {
  const usd = (amountMinor: number) => ({ amountMinor, currency: 'USD' });

  /** An order of two lines (2 and 1 units) the channel knows, with the numeric line ids WooCommerce uses. */
  async function takeTwoLineOrder(channel: 'shopify' | 'woocommerce'): Promise<ReturnType<typeof stockOrder>> {
    const channelOrderId = String(9000 + ++skuNo);
    const order = stockOrder(channel, channelOrderId, [
      { sku: newSku('RETURN'), quantity: 2 },
      { sku: newSku('RETURN'), quantity: 1 },
    ]);
    order.lines = order.lines.map((line, i) => ({ ...line, channelLineId: `${channelOrderId}${i + 1}` }));
    for (const line of order.lines) await receive(line.sku!, line.quantity);
    await takeOrder(order);
    return order;
  }

  /** One unit of each line back: the first to sell again, the second damaged. */
  function returned(order: ReturnType<typeof stockOrder>, returnId: string, receivedThrough: SalesChannel) {
    return createEvent(
      ReturnReceived,
      {
        customerReturn: {
          returnId,
          receivedThrough,
          soldThrough: order.channel,
          channelOrderId: order.channelOrderId,
          locationId: 'wh-east',
          receivedAt: '2026-11-30T15:00:00.000Z',
          lines: [
            {
              sku: order.lines[0].sku!,
              quantity: 1,
              reasonCode: 'WRONG_SIZE',
              condition: 'sellable' as const,
              refund: usd(1000),
            },
            {
              sku: order.lines[1].sku!,
              quantity: 1,
              reasonCode: 'DAMAGED',
              condition: 'damaged' as const,
              refund: usd(1000),
            },
          ],
        },
      },
      { correlationId: order.orderId },
    );
  }

  const queue = () => fabric.resources.queues['channel-return-sync'];
  const consumed = () =>
    eventually(
      'the return deliveries consumed',
      async () => ((await queueDepth(fabric, queue().url)) === 0 ? true : undefined),
      20_000,
    );
  const returnsTo = (channel: SalesChannel, channelOrderId: string) =>
    stub().returns.filter((r) => r.channel === channel && r.channelOrderId === channelOrderId);

  it('records an in-store return of a Shopify order on Shopify once when ReturnReceived is delivered twice, and never echoes a return Shopify reported', async () => {
    const takenInStore = await takeTwoLineOrder('shopify');
    const refundedOnShopify = await takeTwoLineOrder('shopify');
    const inStore = returned(takenInStore, `RET-POS-${takenInStore.channelOrderId}`, 'pos');

    await publish(returned(refundedOnShopify, `RET-SHOPIFY-${refundedOnShopify.channelOrderId}`, 'shopify'));
    await publish(inStore);
    await eventually('shopify to hear of the in-store return', async () =>
      returnsTo('shopify', takenInStore.channelOrderId).length > 0 ? true : undefined,
    );
    await consumed();
    // The bus delivers the same event to the queue again (at least once), after the first was handled.
    await fabric.clients.sqs.send(
      new SendMessageCommand({ QueueUrl: queue().url, MessageBody: JSON.stringify(toWireEvent(inStore)) }),
    );
    await consumed();

    const sent = returnsTo('shopify', takenInStore.channelOrderId);
    expect(sent).toHaveLength(1);
    expect(sent[0].body).toMatchObject({
      orderId: `gid://shopify/Order/${takenInStore.channelOrderId}`,
      notify: false,
      refundLineItems: [
        {
          lineItemId: `gid://shopify/LineItem/${takenInStore.lines[0].channelLineId}`,
          quantity: 1,
          restockType: 'NO_RESTOCK',
        },
        {
          lineItemId: `gid://shopify/LineItem/${takenInStore.lines[1].channelLineId}`,
          quantity: 1,
          restockType: 'NO_RESTOCK',
        },
      ],
    });
    expect(sent[0].body.transactions).toBeUndefined();
    expect(sent[0].body.note).toContain(`1 x ${takenInStore.lines[0].sku} (WRONG_SIZE, restocked)`);
    expect(sent[0].body.note).toContain(`1 x ${takenInStore.lines[1].sku} (DAMAGED, to damaged stock)`);
    expect(returnsTo('shopify', refundedOnShopify.channelOrderId)).toHaveLength(0);
    expect(await queueDepth(fabric, queue().dlqUrl)).toBe(0);
  });

  it('records an in-store return of a WooCommerce order as a refund WooCommerce does not pay out or restock', async () => {
    const order = await takeTwoLineOrder('woocommerce');

    await publish(returned(order, `RET-POS-${order.channelOrderId}`, 'pos'));
    await eventually('woocommerce to hear of the return', async () =>
      returnsTo('woocommerce', order.channelOrderId).length > 0 ? true : undefined,
    );
    await consumed();

    const [refund] = returnsTo('woocommerce', order.channelOrderId);
    expect(refund.body).toMatchObject({
      amount: '20.00',
      api_refund: false,
      api_restock: false,
      line_items: [
        { id: Number(order.lines[0].channelLineId), quantity: 1 },
        { id: Number(order.lines[1].channelLineId), quantity: 1 },
      ],
    });
    expect(await queueDepth(fabric, queue().dlqUrl)).toBe(0);
  });
});

describe('ops channel lag', () => {
  it('prints each published figure with its version, acknowledgement and lag', async () => {
    const sku = newSku('LAG');
    await receive(sku, 4);
    await everyChannelShows(sku, 4);
    for (const channel of CHANNELS) await acknowledged(channel, sku, 4);

    const lines = await lag(fabric.resources, [], () => undefined);

    expect(lines[0]).toMatch(/channel\s+subject\s+value\s+version\s+decided at\s+acknowledged at\s+lag ms/);
    for (const channel of CHANNELS) {
      const line = lines.find(
        (candidate) => candidate.startsWith(channel) && candidate.includes(`availability#${sku} `),
      );
      const published = (await ledger.read(availabilityKey(channel, sku)))!.published!;
      expect(line).toContain(published.acknowledgedAt);
      expect(line).toMatch(new RegExp(`availability#${sku}\\s+4\\s+${published.version}\\s`));
    }
  });
});
