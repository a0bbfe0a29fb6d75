import { PublishCommand } from '@aws-sdk/client-sns';
import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { SAMPLE_CATALOG, sampleShopifyOrder, shopifyDeliveryHeaders } from '../../scripts/sample/shopify-orders';
import { postShopifyOrder, seedSampleCatalog } from '../../scripts/sample/sample-traffic';
import { countSampleStock } from '../../scripts/sample/sample-stock';
import { mapSku } from '../../scripts/ops/xref';
import { DEVELOPMENT_WEBHOOK_SECRETS } from '#shared/adapters/webhook-secrets';
import { DynamoExceptionStore } from '#shared/adapters/exception-store';
import { DynamoLifecycleStore } from '#shared/adapters/order-lifecycle-store';
import { DynamoEventTrail } from '#shared/adapters/event-trail';
import { exceptionFixPortsFromEnv } from '#shared/wiring/exception-fix-ports';
import { dismissException, exceptionFrom, retryException, type ExceptionRecord } from '#domain/exceptions';
import { EventSource } from '#events/catalog';
import { createEvent } from '#domain/kernel/event';
import { OrderStuck } from '#domain/orders/events';
import { PosLineNeedsAttention, PosTransactionRecorded } from '#domain/pos/events';
import { toWireEvent } from '#domain/kernel/event';
import { EventProbe, availability, postAdjustment } from './support/inventory-support';
import { eventually, retryQuickly, startTestFabric } from './support/test-fabric';

let fabric: LocalFabric;
let exceptions: DynamoExceptionStore;
let probe: EventProbe;
let lifecycles: DynamoLifecycleStore;
let orderNumber = 40_000 + Math.floor(Math.random() * 20_000);
const operator = { by: 'test:operator', why: 'the integration test fixed the cause' };

beforeAll(async () => {
  fabric = await startTestFabric('exceptions', { scheduleIntervalMs: () => 0 });
  await retryQuickly(fabric, ['order-lifecycle', 'erp-sales-order-posting', 'exceptions', 'exceptions-order-moves']);
  probe = await EventProbe.subscribe(fabric, { source: [EventSource.intake] });
  exceptions = new DynamoExceptionStore(fabric.resources.tables.exceptions);
  lifecycles = new DynamoLifecycleStore(fabric.resources.tables.orders);
  await seedSampleCatalog(fabric.resources.tables.crossReference);
  await countSampleStock(fabric.apiUrl, fabric.resources.prefix);
}, 120_000);

afterAll(async () => {
  await fabric?.stop();
});

async function deliver(payload: Record<string, unknown>) {
  const body = JSON.stringify(payload);
  return postShopifyOrder(fabric.apiUrl, body, shopifyDeliveryHeaders(body, DEVELOPMENT_WEBHOOK_SECRETS.shopify));
}

async function orderByChannel(channelOrderId: string): Promise<{ status: number; body: Record<string, any> }> {
  const response = await fetch(`${fabric.apiUrl}/orders/by-channel/shopify/${channelOrderId}`);
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

function fixPorts() {
  return exceptionFixPortsFromEnv({
    exceptionsTable: fabric.resources.tables.exceptions,
    crossReferenceTable: fabric.resources.tables.crossReference,
    ordersTable: fabric.resources.tables.orders,
    rawArchiveBucket: fabric.resources.buckets.rawArchive,
  });
}

function openExceptionOf(orderId: string, kind: ExceptionRecord['kind']) {
  return eventually(
    `${kind} for ${orderId}`,
    async () => (await exceptions.list({ kind })).find((record) => record.orderId === orderId),
    20_000,
  );
}

function standing(channelOrderId: string, status: string) {
  return eventually(
    `order ${channelOrderId} ${status}`,
    async () => {
      const found = await orderByChannel(channelOrderId);
      return found.status === 200 && found.body.status === status ? found.body : undefined;
    },
    30_000,
  );
}

/** A one-line order of an item the cross-reference does not know. */
function unmappedOrder(channelSku: string) {
  // A random source of 0 makes one line of one unit.
  return sampleShopifyOrder(orderNumber++, () => 0, [
    { channelSku, title: 'Unlisted Tee', price: '24.00', variantId: 49_000_000_000_000 + orderNumber },
  ]);
}

describe('exceptions work queue', () => {
  it('keeps a held order (price "24.001"): readable as needs_attention with its verdict, and listed with the failing field', async () => {
    const payload = sampleShopifyOrder(orderNumber++, () => 0, SAMPLE_CATALOG);
    (payload.line_items as Record<string, unknown>[])[0].price = '24.001';

    const answer = await deliver(payload);

    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ needsAttention: true });
    const held = await standing(String(payload.id), 'needs_attention');
    expect(held).toMatchObject({
      orderId: answer.body.orderId,
      held: { reason: 'MAPPING_ERROR', archiveKey: expect.stringMatching(/^webhooks\/shopify\//) },
    });
    expect(held.held.details.map((issue: { path: string }) => issue.path).join(' ')).toMatch(/line_items\.0\.price/);
    const exception = await openExceptionOf(String(answer.body.orderId), 'OrderNeedsAttention');
    expect(exception).toMatchObject({
      status: 'open',
      channel: 'shopify',
      reasonCode: 'MAPPING_ERROR',
      count: 1,
      fixes: ['reprocess', 'dismiss'],
    });
    expect(exception.fieldPaths.join(' ')).toMatch(/line_items\.0\.price/);
  });

  it('counts concurrent sightings of one cause on one row, each event once however often it is delivered', async () => {
    const stuck = (n: number) =>
      createEvent(
        OrderStuck,
        {
          orderId: `ord_race_${orderNumber}`,
          state: 'reserved',
          since: '2026-12-06T10:00:00.000Z',
          deadline: '2026-12-06T11:00:00.000Z',
          version: 2,
        },
        { correlationId: `ord_race_${orderNumber}`, time: new Date(Date.UTC(2026, 11, 6, 12, n)) },
      );
    const sightings = Array.from({ length: 8 }, (_, n) => stuck(n));
    const raised = exceptionFrom(sightings[0]);

    await Promise.all(
      [...sightings, ...sightings].map((event) =>
        exceptions.raise(exceptionFrom(event), { eventId: event.id, at: event.time }),
      ),
    );

    expect(await exceptions.get(raised.id)).toMatchObject({
      count: 8,
      firstSeenAt: sightings[0].time,
      lastSeenAt: sightings[7].time,
      status: 'open',
    });
    orderNumber += 1;
  });

  it('counts a repeat of the same cause on one row, and a dismissal is audited and idempotent', async () => {
    const payload = sampleShopifyOrder(orderNumber++, () => 0, SAMPLE_CATALOG);
    (payload.line_items as Record<string, unknown>[])[0].price = '24.001';
    const first = await deliver(payload);
    const exception = await openExceptionOf(String(first.body.orderId), 'OrderNeedsAttention');

    await deliver({ ...payload, updated_at: new Date(Date.now() + 60_000).toISOString() });

    const counted = await eventually(
      'the repeat counted',
      async () => {
        const row = await exceptions.get(exception.id);
        return row && row.count === 2 ? row : undefined;
      },
      20_000,
    );
    expect(
      (await exceptions.list({ kind: 'OrderNeedsAttention' })).filter((row) => row.orderId === first.body.orderId),
    ).toHaveLength(1);
    const dismissed = await dismissException(
      counted.id,
      { by: 'test:operator', why: 'the shop cancelled it by phone' },
      { store: exceptions },
    );
    const again = await dismissException(counted.id, { by: 'test:someone-else', why: 'twice' }, { store: exceptions });
    expect(dismissed).toMatchObject({
      status: 'dismissed',
      actions: [{ action: 'dismissed', by: 'test:operator', why: 'the shop cancelled it by phone' }],
    });
    expect(again.actions).toHaveLength(1);
  });

  it('an unmapped SKU holds the order until xref map-sku, which reprocesses it from the archive exactly once: posted to the ERP without a resend', async () => {
    const channelSku = `UNLISTED-${orderNumber}`;
    const payload = unmappedOrder(channelSku);
    const answer = await deliver(payload);
    expect(answer.body).toMatchObject({ needsAttention: true });
    const orderId = String(answer.body.orderId);
    await standing(String(payload.id), 'needs_attention');
    const exception = await openExceptionOf(orderId, 'OrderNeedsAttention');
    expect(exception).toMatchObject({
      reasonCode: 'UNKNOWN_SKU',
      fixes: ['map-sku', 'reprocess', 'dismiss'],
      context: { channelSkus: [`sku:${channelSku}`] },
    });

    // Twice, as an operator unsure the first took would: the second finds the order already on its way or nothing open.
    await mapSku(fabric.resources, ['shopify', channelSku, SAMPLE_CATALOG[0].sku]);
    await mapSku(fabric.resources, ['shopify', channelSku, SAMPLE_CATALOG[0].sku]);

    const posted = await standing(String(payload.id), 'posted_to_erp');
    expect(posted).toMatchObject({ channelStatus: 'received', order: { lines: [{ sku: SAMPLE_CATALOG[0].sku }] } });
    expect(fabric.erp.salesOrdersFor(orderId)).toHaveLength(1);
    await eventually(
      'the hold resolved itself',
      async () => ((await exceptions.get(exception.id))?.status === 'resolved' ? true : undefined),
      20_000,
    );
    const resolved = await exceptions.get(exception.id);
    expect(resolved?.actions.map((action) => action.action)).toContain('reprocessed');
    // The second map-sku may have read the row before the first's order moved on: its audit can land after the resolution.
    expect(resolved?.actions).toContainEqual(expect.objectContaining({ action: 'resolved', by: 'fabric' }));
    // Nothing came from the channel again: the held version and the mapped one both came from the one archived delivery.
    expect(posted.history.map((entry: { change: string }) => entry.change)).toEqual(['created', 'updated']);
    expect(new Set(posted.history.map((entry: { deliveryId: string }) => entry.deliveryId)).size).toBe(1);
  }, 90_000);

  it('a redelivered reprocessing changes nothing twice: the order moves once through each state and has one ERP sales order', async () => {
    const channelSku = `UNLISTED-${orderNumber}`;
    const payload = unmappedOrder(channelSku);
    const answer = await deliver(payload);
    const orderId = String(answer.body.orderId);
    await openExceptionOf(orderId, 'OrderNeedsAttention');
    await probe.drain();

    await mapSku(fabric.resources, ['shopify', channelSku, SAMPLE_CATALOG[1].sku]);
    const reprocessed = await eventually(
      'the reprocessed OrderReceived',
      async () =>
        (await probe.drain()).find((event) => event.detailType === 'OrderReceived' && event.correlationId === orderId),
      20_000,
    );
    // The same event delivered again, as SQS and EventBridge may.
    await fabric.clients.sns.send(
      new PublishCommand({ TopicArn: fabric.resources.topicArn, Message: JSON.stringify(toWireEvent(reprocessed)) }),
    );

    await standing(String(payload.id), 'posted_to_erp');
    // Both deliveries handled by every consumer of OrderReceived that moves stock or the order.
    const trail = new DynamoEventTrail(fabric.resources.tables.eventTrail);
    await eventually(
      'both deliveries handled',
      async () => {
        const handled = (await trail.forCorrelation(orderId)).filter(
          (entry) => entry.eventId === reprocessed.id && entry.outcome === 'handled',
        );
        const deliveriesTo = (queue: string) => handled.filter((entry) => entry.queue.endsWith(queue)).length;
        return ['order-intake', 'inventory-reservation', 'order-lifecycle'].every((queue) => deliveriesTo(queue) >= 2)
          ? true
          : undefined;
      },
      30_000,
    );
    expect(fabric.erp.salesOrdersFor(orderId)).toHaveLength(1);
    expect((await lifecycles.history(orderId)).moves.map((move) => move.to)).toEqual([
      'received',
      'reserved',
      'posted_to_erp',
    ]);
  }, 90_000);

  it('an ERP rejection is retried after the fix and resolves itself once the order posts', async () => {
    const sku = SAMPLE_CATALOG[2].sku;
    fabric.erp.unknownItems.add(sku);
    const payload = sampleShopifyOrder(orderNumber++, () => 0, [SAMPLE_CATALOG[2]]);
    const orderId = String((await deliver(payload)).body.orderId);
    const rejection = await openExceptionOf(orderId, 'ErpPostingRejected');
    expect(rejection).toMatchObject({ status: 'open', severity: 'critical', fixes: ['retry', 'dismiss'] });
    expect((await orderByChannel(String(payload.id))).body.status).toBe('reserved');

    fabric.erp.unknownItems.delete(sku);
    await retryException(rejection.id, operator, fixPorts());

    await standing(String(payload.id), 'posted_to_erp');
    expect(fabric.erp.salesOrdersFor(orderId)).toHaveLength(1);
    await eventually(
      'the rejection resolved itself',
      async () => ((await exceptions.get(rejection.id))?.status === 'resolved' ? true : undefined),
      20_000,
    );
  }, 90_000);

  it('answers the back-office API: the list by kind and status, one exception, 400 naming the field, 404 for an unknown id', async () => {
    const payload = sampleShopifyOrder(orderNumber++, () => 0, SAMPLE_CATALOG);
    (payload.line_items as Record<string, unknown>[])[0].price = '24.001';
    const orderId = String((await deliver(payload)).body.orderId);
    const exception = await openExceptionOf(orderId, 'OrderNeedsAttention');
    const api = (path: string, init?: RequestInit) =>
      fetch(`${fabric.apiUrl}${path}`, init).then(async (response) => ({
        status: response.status,
        body: (await response.json()) as Record<string, any>,
      }));
    const id = encodeURIComponent(exception.id);

    const listed = await api('/exceptions?kind=OrderNeedsAttention&status=open');
    const badKind = await api('/exceptions?kind=Nope');
    const shown = await api(`/exceptions/${id}`);
    const noReason = await api(`/exceptions/${id}/dismiss`, { method: 'POST', body: '{}' });
    const unknown = await api('/exceptions/OrderStuck%23nobody/dismiss', {
      method: 'POST',
      body: JSON.stringify({ reason: 'x' }),
    });
    const dismissed = await api(`/exceptions/${id}/dismiss`, {
      method: 'POST',
      body: JSON.stringify({ reason: 'the buyer reordered' }),
    });

    expect(listed.status).toBe(200);
    expect(listed.body.exceptions.map((row: ExceptionRecord) => row.id)).toContain(exception.id);
    expect(badKind).toMatchObject({ status: 400, body: { errors: [{ path: 'kind' }] } });
    expect(shown).toMatchObject({ status: 200, body: { id: exception.id, orderId } });
    expect(noReason).toMatchObject({ status: 400, body: { errors: [{ path: 'reason' }] } });
    expect(unknown.status).toBe(404);
    expect(dismissed).toMatchObject({
      status: 200,
      body: { status: 'dismissed', actions: [{ action: 'dismissed', why: 'the buyer reordered' }] },
    });
  });

  it('a POS line held for an unknown item code moves stock once the code is mapped, once however often it is reprocessed', async () => {
    const code = `POS-NEW-${orderNumber++}`;
    const sku = `POS-HELD-${orderNumber}`;
    expect(
      (
        await postAdjustment(fabric, {
          type: 'receipt',
          sku,
          locationId: 'store-042',
          quantity: 5,
          reference: { kind: 'erp_document', id: `PO-${sku}` },
        })
      ).status,
    ).toBe(201);
    const money = (amountMinor: number) => ({ amountMinor, currency: 'USD' });
    const key = { storeId: 'store-042', registerId: 'R1', businessDay: '2026-12-06', sequence: orderNumber };
    const transactionId = `store-042:R1:2026-12-06:${orderNumber}`;
    const recorded = {
      transaction: {
        transactionId,
        key,
        endedAt: '2026-12-06T15:00:00.000Z',
        currency: 'USD',
        disposition: 'completed' as const,
        lines: [
          {
            lineNumber: 1,
            type: 'sale' as const,
            itemCode: code,
            sku: null,
            quantity: 2,
            unitPrice: money(1000),
            discount: money(0),
            amount: money(2000),
          },
        ],
        tax: money(0),
        tenders: [{ method: 'cash', amount: money(2000) }],
        total: money(2000),
      },
      batch: {
        storeId: 'store-042',
        businessDate: '2026-12-06',
        batchId: `b${orderNumber}`,
        uploadId: `u${orderNumber}`,
        lineNumber: 1,
      },
    };
    const trace = { correlationId: transactionId };
    // What the ingest publishes for it: the transaction, whose unmapped line moves nothing, and the held line.
    for (const event of [
      createEvent(PosTransactionRecorded, recorded, trace),
      createEvent(
        PosLineNeedsAttention,
        {
          transactionId,
          key,
          reason: 'UNKNOWN_SKU',
          lines: [{ lineNumber: 1, itemCode: code, type: 'sale', quantity: 2 }],
          batch: recorded.batch,
          recorded,
        },
        trace,
      ),
    ])
      await fabric.clients.sns.send(
        new PublishCommand({ TopicArn: fabric.resources.topicArn, Message: JSON.stringify(toWireEvent(event)) }),
      );
    const held = await eventually(
      'the held POS line',
      async () =>
        (await exceptions.list({ kind: 'PosLineNeedsAttention' })).find(
          (row) => row.context.transactionId === transactionId,
        ),
      20_000,
    );
    expect(held).toMatchObject({ channel: 'pos', fixes: ['map-sku', 'reprocess', 'dismiss'] });

    await mapSku(fabric.resources, ['pos', code, sku]);
    await mapSku(fabric.resources, ['pos', code, sku]);
    // And a redelivery of the fix's own work.
    await fixPorts().posTransactions.reapply(recorded);

    const trail = new DynamoEventTrail(fabric.resources.tables.eventTrail);
    await eventually(
      'the original and both recordings handled by pos-stock-movements',
      async () => {
        const handled = (await trail.forCorrelation(transactionId)).filter(
          (entry) => entry.queue.endsWith('pos-stock-movements') && entry.outcome === 'handled',
        );
        return handled.length >= 3 ? true : undefined;
      },
      30_000,
    );
    const store = ((await availability(fabric, sku)).locations as { locationId: string; onHand: number }[]).find(
      (location) => location.locationId === 'store-042',
    );
    expect(store?.onHand).toBe(3);
    expect(await exceptions.get(held.id)).toMatchObject({
      status: 'resolved',
      actions: [expect.objectContaining({ action: 'reprocessed', outcome: expect.stringMatching(/^republished/) })],
    });
  }, 90_000);
});
