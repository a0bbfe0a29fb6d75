import { loadInventoryPolicy, locationIds } from '#domain/inventory/policy';
import type { Order } from '#domain/kernel/order';
import type { OrderLifecycle } from '#domain/orders/lifecycle';
import {
  MAX_SHIPMENT_LINES,
  confirmShipment,
  parseShipmentConfirmation,
  resolveShipmentLines,
  type ShipmentConfirmationPorts,
} from '#domain/orders/shipment-confirmation';
import type { ArchivedRequest, DeliveryVerdict } from '#domain/kernel/archive';
import type { FabricEvent } from '#domain/kernel/event';
import { balancedOrder, money } from '../builders';
import { memoryOnce } from '../support/memory-once';

const locations = locationIds(loadInventoryPolicy({}));

/** An order of a tee on two lines (a gift split) and a mug; the totals do not matter here. */
const order: Order = balancedOrder({
  lines: [
    {
      lineId: '1',
      channelLineId: '901',
      sku: 'TEE-M',
      channelSku: 'TEE-M',
      quantity: 2,
      unitPrice: money(2400),
      discount: money(0),
      taxes: [],
    },
    {
      lineId: '2',
      channelLineId: '902',
      sku: 'MUG',
      channelSku: 'MUG',
      quantity: 1,
      unitPrice: money(1250),
      discount: money(0),
      taxes: [],
    },
    {
      lineId: '3',
      channelLineId: '903',
      sku: 'TEE-M',
      channelSku: 'TEE-M',
      quantity: 1,
      unitPrice: money(2400),
      discount: money(0),
      taxes: [],
    },
  ],
});

function confirmation(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    shipmentId: 'SHP-1',
    orderId: order.orderId,
    locationId: 'wh-east',
    carrier: 'UPS',
    trackingNumber: '1Z999AA10123456784',
    shippedAt: '2026-11-24T15:04:00-05:00',
    lines: [{ sku: 'MUG', quantity: 1 }],
    ...overrides,
  };
}

function issuePaths(result: { ok: true } | { ok: false; issues: { path: string }[] }): string[] {
  return result.ok ? [] : result.issues.map((issue) => issue.path);
}

describe('parseShipmentConfirmation', () => {
  test('accepts a confirmation naming the order by its channel order number, keyed by the Idempotency-Key header', () => {
    const {
      shipmentId: _id,
      orderId: _order,
      ...body
    } = confirmation({ channel: 'shopify', channelOrderId: order.channelOrderId });

    const parsed = parseShipmentConfirmation(body, 'SHP-77', locations);

    expect(parsed).toMatchObject({
      ok: true,
      shipmentId: 'SHP-77',
      request: { shipmentId: 'SHP-77', channel: 'shopify', channelOrderId: order.channelOrderId },
    });
  });

  test('names every failing field of a malformed confirmation', () => {
    const parsed = parseShipmentConfirmation(
      confirmation({ shippedAt: '2026-11-24 15:04', carrier: ' ', lines: [{ sku: 'MUG', quantity: 0 }] }),
      undefined,
      locations,
    );

    expect(issuePaths(parsed)).toEqual(['carrier', 'shippedAt', 'lines.0.quantity']);
  });

  test('refuses an unknown shipping location, and an order named both ways or half named', () => {
    const unknownLocation = parseShipmentConfirmation(confirmation({ locationId: 'wh-west' }), undefined, locations);
    const both = parseShipmentConfirmation(
      confirmation({ channel: 'shopify', channelOrderId: '5829743312345' }),
      undefined,
      locations,
    );
    const half = parseShipmentConfirmation(
      confirmation({ orderId: undefined, channelOrderId: '5829743312345' }),
      undefined,
      locations,
    );
    const none = parseShipmentConfirmation(confirmation({ orderId: undefined }), undefined, locations);

    expect([unknownLocation, both, half, none].map(issuePaths)).toEqual([
      ['locationId'],
      ['orderId'],
      ['channel'],
      ['orderId'],
    ]);
    expect(unknownLocation.ok ? '' : unknownLocation.issues[0].message).toBe(
      '"wh-west" is not a location (wh-east, store-042)',
    );
  });

  test('needs a shipment id that agrees with the Idempotency-Key header and can serve as a key', () => {
    const keyless = parseShipmentConfirmation(confirmation({ shipmentId: undefined }), undefined, locations);
    const disagreeing = parseShipmentConfirmation(confirmation(), 'SHP-2', locations);
    const unusable = parseShipmentConfirmation(confirmation({ shipmentId: 'SHP#1' }), undefined, locations);

    expect(
      [keyless, disagreeing, unusable].map((p) =>
        p.ok ? [] : p.issues.map((issue) => `${issue.path}: ${issue.message}`),
      ),
    ).toEqual([
      ['shipmentId: is required, or an Idempotency-Key header'],
      ['shipmentId: differs from the Idempotency-Key header'],
      ['shipmentId: must be 1-200 characters without # or whitespace'],
    ]);
  });

  test(`refuses more than ${MAX_SHIPMENT_LINES} lines, which the stock books could not consume in one go`, () => {
    const lines = Array.from({ length: MAX_SHIPMENT_LINES + 1 }, () => ({ sku: 'MUG', quantity: 1 }));

    expect(issuePaths(parseShipmentConfirmation(confirmation({ lines }), undefined, locations))).toEqual(['lines']);
  });
});

describe('resolveShipmentLines', () => {
  test('finds the order line of a line that names only its SKU', () => {
    expect(resolveShipmentLines([{ sku: 'MUG', quantity: 1 }], order, {})).toEqual({
      ok: true,
      lines: [{ lineId: '2', sku: 'MUG', quantity: 1 }],
    });
  });

  test('spreads a SKU on two order lines over their open units, in order, after what shipped before', () => {
    const resolved = resolveShipmentLines([{ sku: 'TEE-M', quantity: 2 }], order, { 1: 1 });

    expect(resolved).toEqual({
      ok: true,
      lines: [
        { lineId: '1', sku: 'TEE-M', quantity: 1 },
        { lineId: '3', sku: 'TEE-M', quantity: 1 },
      ],
    });
  });

  test('merges lines of one confirmation that land on the same order line', () => {
    const resolved = resolveShipmentLines(
      [
        { lineId: '1', sku: 'TEE-M', quantity: 1 },
        { sku: 'TEE-M', quantity: 1 },
      ],
      order,
      {},
    );

    expect(resolved).toEqual({ ok: true, lines: [{ lineId: '1', sku: 'TEE-M', quantity: 2 }] });
  });

  test('names the lines that are not on the order', () => {
    const resolved = resolveShipmentLines(
      [
        { sku: 'CAP', quantity: 1 },
        { lineId: '9', sku: 'MUG', quantity: 1 },
        { lineId: '2', sku: 'TEE-M', quantity: 1 },
      ],
      order,
      {},
    );

    expect(resolved.ok ? [] : resolved.issues).toEqual([
      { path: 'lines.0.sku', message: `CAP is not on order ${order.orderId}` },
      { path: 'lines.1.lineId', message: `is not a line of order ${order.orderId}` },
      { path: 'lines.2.sku', message: 'is not the SKU of order line 2 (MUG)' },
    ]);
  });

  test('refuses to ship more than is open, counting earlier shipments of the order', () => {
    const resolved = resolveShipmentLines([{ lineId: '1', sku: 'TEE-M', quantity: 2 }], order, { 1: 1 });

    expect(resolved.ok ? [] : resolved.issues).toEqual([
      { path: 'lines.0.quantity', message: 'ships 2 but order line 1 has 1 open (2 ordered, 1 shipped before)' },
    ]);
  });

  test('counts what earlier lines of the same confirmation took', () => {
    const resolved = resolveShipmentLines(
      [
        { sku: 'TEE-M', quantity: 2 },
        { sku: 'TEE-M', quantity: 2 },
      ],
      order,
      {},
    );

    expect(resolved.ok ? [] : resolved.issues).toEqual([
      {
        path: 'lines.1.quantity',
        message: `ships 2 but TEE-M on order ${order.orderId} has 1 open (3 ordered, 0 shipped before, 2 on earlier lines of this shipment)`,
      },
    ]);
  });
});

/** In-memory ports that honour their contracts; `lifecycle` is what the order lifecycle holds for the order. */
function fakeFabric(lifecycle?: Partial<OrderLifecycle>) {
  const calls: string[] = [];
  const archived: ArchivedRequest[] = [];
  const verdicts: DeliveryVerdict[] = [];
  const published: FabricEvent[] = [];
  let failPublish = false;
  const ports: ShipmentConfirmationPorts = {
    archive: {
      async archiveRequest(request) {
        calls.push('archive');
        archived.push(request);
        return `shipments/${request.requestId}`;
      },
      async recordVerdict(_key, verdict) {
        calls.push('verdict');
        verdicts.push(verdict);
      },
    },
    orders: {
      async getOrder(orderId) {
        return orderId === order.orderId ? { order, history: [] } : undefined;
      },
      async findOrderId(channel, channelOrderId) {
        return channel === order.channel && channelOrderId === order.channelOrderId ? order.orderId : undefined;
      },
    },
    lifecycles: {
      async load() {
        return (
          lifecycle && {
            orderId: order.orderId,
            state: 'posted_to_erp',
            version: 3,
            facts: { ordered: {}, shipped: {}, returnedUnits: 0, totalMinor: 0, refundedMinor: 0 },
            applied: {},
            ...lifecycle,
          }
        );
      },
    },
    publisher: {
      async publish(events) {
        calls.push('publish');
        if (failPublish) throw new Error('the bus is down');
        published.push(...events);
      },
    },
    once: memoryOnce(),
  };
  let requestNo = 0;
  const send = (body: unknown, headers: Record<string, string> = {}) =>
    confirmShipment(
      {
        requestId: `req-${++requestNo}`,
        receivedAt: '2026-11-24T20:05:00.000Z',
        headers: { 'content-type': 'application/json', ...headers },
        rawBody: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
      },
      ports,
      locations,
    );
  return {
    calls,
    archived,
    verdicts,
    published,
    send,
    failPublishing: (fail: boolean) => {
      failPublish = fail;
    },
  };
}

describe('confirmShipment', () => {
  test('archives the request before reading it, publishes one ShipmentConfirmed correlated to the order, and records the verdict', async () => {
    const fabric = fakeFabric();

    const answer = await fabric.send(
      confirmation({
        lines: [
          { sku: 'TEE-M', quantity: 3 },
          { sku: 'MUG', quantity: 1 },
        ],
      }),
    );

    expect(answer).toEqual({ status: 202, body: { shipmentId: 'SHP-1', orderId: order.orderId } });
    expect(fabric.calls).toEqual(['archive', 'publish', 'verdict']);
    expect(JSON.parse(Buffer.from(fabric.archived[0].bodyBase64!, 'base64').toString())).toMatchObject({
      shipmentId: 'SHP-1',
    });
    expect(fabric.published).toHaveLength(1);
    expect(fabric.published[0]).toMatchObject({
      detailType: 'ShipmentConfirmed',
      correlationId: order.orderId,
      data: {
        shipment: {
          shipmentId: 'SHP-1',
          orderId: order.orderId,
          locationId: 'wh-east',
          carrier: 'UPS',
          lines: [
            { lineId: '1', sku: 'TEE-M', quantity: 2 },
            { lineId: '3', sku: 'TEE-M', quantity: 1 },
            { lineId: '2', sku: 'MUG', quantity: 1 },
          ],
        },
      },
    });
    expect(fabric.verdicts).toEqual([
      expect.objectContaining({ outcome: 'accepted', status: 202, deliveryId: 'SHP-1', orderId: order.orderId }),
    ]);
  });

  test("keeps the caller's AWS signature and session token out of the archive", async () => {
    const fabric = fakeFabric();

    await fabric.send(confirmation(), {
      authorization: 'AWS4-HMAC-SHA256 Credential=ASIA...',
      'x-amz-security-token': 'IQoJb3JpZ2lu...',
      'x-amz-date': '20261124T200500Z',
    });

    expect(fabric.archived[0].headers).toEqual({
      'content-type': 'application/json',
      'x-amz-date': '20261124T200500Z',
    });
  });

  test('answers a repeat of the same shipment as a duplicate and publishes nothing new', async () => {
    const fabric = fakeFabric();
    await fabric.send(confirmation());

    const repeat = await fabric.send(confirmation(), { 'idempotency-key': 'SHP-1' });

    expect(repeat).toEqual({ status: 200, body: { shipmentId: 'SHP-1', orderId: order.orderId, duplicate: true } });
    expect(fabric.published).toHaveLength(1);
    expect(fabric.verdicts.map((verdict) => verdict.outcome)).toEqual(['accepted', 'duplicate']);
  });

  test('refuses the same shipment id with a different request', async () => {
    const fabric = fakeFabric();
    await fabric.send(confirmation());

    const reused = await fabric.send(confirmation({ trackingNumber: '1Z999AA10123456785' }));

    expect(reused).toEqual({
      status: 422,
      body: { message: 'shipment SHP-1 was already confirmed with a different request', orderId: order.orderId },
    });
    expect(fabric.published).toHaveLength(1);
  });

  test('does not keep a shipment whose publish failed: the retry publishes it once', async () => {
    const fabric = fakeFabric();
    fabric.failPublishing(true);
    await expect(fabric.send(confirmation())).rejects.toThrow('the bus is down');

    fabric.failPublishing(false);
    const retry = await fabric.send(confirmation());

    expect(retry.status).toBe(202);
    expect(fabric.published).toHaveLength(1);
  });

  test("answers 404 for an order the fabric does not know, by our id or the channel's", async () => {
    const fabric = fakeFabric();

    const byId = await fabric.send(confirmation({ orderId: 'ord_aaaaaaaaaaaaaaaaaaaaaaaaaa' }));
    const byChannel = await fabric.send(
      confirmation({ shipmentId: 'SHP-2', orderId: undefined, channel: 'shopify', channelOrderId: '404' }),
    );

    expect([byId, byChannel]).toEqual([
      { status: 404, body: { message: 'order ord_aaaaaaaaaaaaaaaaaaaaaaaaaa is not known to the fabric' } },
      { status: 404, body: { message: 'shopify order 404 is not known to the fabric' } },
    ]);
    expect(fabric.published).toEqual([]);
    expect(fabric.verdicts.map((verdict) => [verdict.outcome, verdict.status])).toEqual([
      ['rejected', 404],
      ['rejected', 404],
    ]);
  });

  test('answers 422 naming the lines, and decides a corrected request under the same shipment id afresh', async () => {
    const fabric = fakeFabric({
      facts: { ordered: { 1: 2, 2: 1, 3: 1 }, shipped: { 2: 1 }, returnedUnits: 0, totalMinor: 0, refundedMinor: 0 },
    });

    const refused = await fabric.send(confirmation());
    const corrected = await fabric.send(confirmation({ lines: [{ sku: 'TEE-M', quantity: 1 }] }));

    expect(refused).toEqual({
      status: 422,
      body: {
        message: `the shipment does not match order ${order.orderId}`,
        orderId: order.orderId,
        errors: [
          {
            path: 'lines.0.quantity',
            message: `ships 1 but MUG on order ${order.orderId} has 0 open (1 ordered, 1 shipped before)`,
          },
        ],
      },
    });
    expect(corrected.status).toBe(202);
  });

  test('refuses a shipment against a cancelled order', async () => {
    const fabric = fakeFabric({ state: 'cancelled' });

    expect(await fabric.send(confirmation())).toEqual({
      status: 409,
      body: {
        message: `order ${order.orderId} is cancelled; no shipment can be confirmed against it`,
        orderId: order.orderId,
      },
    });
    expect(fabric.published).toEqual([]);
  });

  test('treats a shipment the order lifecycle has already applied as a duplicate, however long ago', async () => {
    const fabric = fakeFabric({
      state: 'shipped',
      applied: { 'shipment:SHP-1': { from: 'posted_to_erp', to: 'shipped', version: 4 } },
    });

    expect(await fabric.send(confirmation())).toEqual({
      status: 200,
      body: { shipmentId: 'SHP-1', orderId: order.orderId, duplicate: true },
    });
    expect(fabric.published).toEqual([]);
  });

  test('archives and answers 400 for a body that is not JSON', async () => {
    const fabric = fakeFabric();

    const answer = await fabric.send('shipmentId=SHP-1');

    expect(answer).toEqual({
      status: 400,
      body: {
        message: 'the shipment confirmation is not valid',
        errors: [{ path: '(body)', message: 'is not valid JSON' }],
      },
    });
    expect(fabric.calls).toEqual(['archive', 'verdict']);
  });
});
