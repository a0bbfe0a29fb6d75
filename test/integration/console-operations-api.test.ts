import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { PublishCommand } from '@aws-sdk/client-sns';
import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { uploadSettlement } from '../../scripts/ops/reconcile';
import { LOCAL_USER_HEADER } from '../../console/src/local-users';
import { DynamoPublicationLedger } from '#shared/adapters/publication-ledger';
import { availabilityKey } from '#domain/channel-sync/availability-sync';
import type { Order } from '#domain/kernel/order';
import type { ChannelStatus, SubjectLag } from '#shared/operations/channels';
import type { StoreDetail, StoreStatus } from '#shared/operations/stores';
import type { SettlementDetail, SettlementSummary } from '#shared/operations/settlements';
import type { ErpStatus } from '#shared/operations/erp';
import { orderReceivedBody, postAdjustment, stockOrder } from './support/inventory-support';
import { eventually, retryQuickly, startTestFabric } from './support/test-fabric';

/*
 * The console's Channels, Stores, Settlements and ERP routes through the local fabric's API, as the
 * development viewer calls them, over what the fabric itself recorded: availability published to
 * Shopify, an eBay pull, a store's POS upload, an Amazon settlement report, an ERP outage and an ERP
 * rejection.
 */

// Shopify alone hears availability, so the Shopify publication is the one to wait for.
process.env.FABRIC_INVENTORY_POLICY = JSON.stringify({ channels: { shopify: {} } });
// Three transient failures open the breaker and it probes after a second, as in order-to-cash-flow.
Object.assign(process.env, {
  FABRIC_ERP_REQUEST_TIMEOUT_MS: '1000',
  FABRIC_ERP_COMMIT_HORIZON_MS: '3000',
  FABRIC_ERP_RETRY_ATTEMPTS: '3',
  FABRIC_ERP_RETRY_BASE_MS: '50',
  FABRIC_ERP_RETRY_MAX_MS: '500',
  FABRIC_ERP_BREAKER_FAILURES: '3',
  FABRIC_ERP_BREAKER_COOLDOWN_SECONDS: '1',
});

const reference = { kind: 'erp_document', id: 'PO-CONSOLE-1' };
const run = Date.now() % 100_000;
let fabric: LocalFabric;

beforeAll(async () => {
  fabric = await startTestFabric('console-operations', { scheduleIntervalMs: () => 0 });
  await retryQuickly(fabric, ['order-lifecycle', 'erp-sales-order-posting']);
});

afterAll(async () => {
  await fabric?.stop();
});

/** A GET as the console's development viewer makes it. */
async function viewerGet<T>(route: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${fabric.apiUrl}${route}`, { headers: { [LOCAL_USER_HEADER]: 'dev-viewer' } });
  return { status: response.status, body: (await response.json()) as T };
}

async function takeOrder(order: Order): Promise<void> {
  await fabric.clients.sns.send(
    new PublishCommand({ TopicArn: fabric.resources.topicArn, Message: orderReceivedBody(order) }),
  );
}

async function receive(sku: string, quantity: number): Promise<void> {
  expect(
    (await postAdjustment(fabric, { type: 'receipt', sku, locationId: 'wh-east', quantity, reference })).status,
  ).toBe(201);
}

describe('GET /channels and /channels/{channel}/lag', () => {
  it("shows a publication's lag, the budget it spent, a stalled figure as a failure, and eBay's last catch-up", async () => {
    const sku = `CONSOLE-LAG-${run}`;
    const ledger = new DynamoPublicationLedger(fabric.resources.tables.channelPublications);
    await receive(sku, 3);
    await eventually('Shopify to acknowledge 3', async () =>
      (await ledger.read(availabilityKey('shopify', sku)))?.published?.value === 3 ? true : undefined,
    );
    // A figure wanted an hour ago that nobody published: what a publisher that died leaves behind.
    const stalledSku = `CONSOLE-STALLED-${run}`;
    await ledger.offer(availabilityKey('shopify', stalledSku), stalledSku, {
      version: 1,
      value: 7,
      eventTime: new Date(Date.now() - 3_600_000).toISOString(),
    });
    await fabric.runScheduled('channel-order-catch-up');

    const { status, body } = await viewerGet<{ channels: ChannelStatus[] }>('/channels');

    expect(status).toBe(200);
    const shopify = body.channels.find((channel) => channel.channel === 'shopify');
    expect(shopify).toMatchObject({ subjects: 2, pending: 1, failures: 1 });
    expect(shopify?.maxLagMs).toBeGreaterThanOrEqual(0);
    expect(shopify?.meanLagMs).toBeGreaterThanOrEqual(0);
    // Publishing took a token from Shopify's bucket of 100.
    expect(shopify?.rateBudget).toMatchObject({ capacity: 100, ratePerSecond: 5 });
    expect(shopify?.rateBudget?.tokens).toBeLessThan(100);
    const ebay = body.channels.find((channel) => channel.channel === 'ebay');
    expect(ebay?.lastCatchUp).toMatchObject({ connector: 'ebay-orders' });
    expect(Date.parse(ebay?.lastCatchUp?.upTo ?? '')).toBeLessThanOrEqual(Date.now());
    const amazon = body.channels.find((channel) => channel.channel === 'amazon');
    expect(amazon?.rateBudgets.map((budget) => budget.operation).sort()).toEqual(['confirmShipment', 'listings']);

    const lag = await viewerGet<{ subjects: SubjectLag[]; more: boolean }>('/channels/shopify/lag?limit=1');
    expect(lag.status).toBe(200);
    expect(lag.body.more).toBe(true);
    expect(lag.body.subjects).toEqual([
      expect.objectContaining({ sku: stalledSku, stalled: true, pending: expect.objectContaining({ value: 7 }) }),
    ]);
  });

  it('answers 400 naming the field for a channel the fabric does not know, and for a bad limit', async () => {
    const unknown = await viewerGet<{ errors: { path: string }[] }>('/channels/myspace/lag');
    const badLimit = await viewerGet<{ errors: { path: string }[] }>('/channels/shopify/lag?limit=0');

    expect(unknown.status).toBe(400);
    expect(unknown.body.errors.map((issue) => issue.path)).toEqual(['channel']);
    expect(badLimit.status).toBe(400);
    expect(badLimit.body.errors.map((issue) => issue.path)).toEqual(['limit']);
  });
});

describe('GET /stores and /stores/{storeId}', () => {
  it("lists a store's last upload, its sequence gap and its quarantined line with the reason", async () => {
    const transaction = (sequence: number) =>
      JSON.stringify({
        storeId: 'store-042',
        registerId: 'R9',
        businessDay: '2026-11-23',
        sequence,
        endedAt: '2026-11-23T18:00:00-05:00',
        currency: 'USD',
        disposition: 'control',
        lines: [],
        tenders: [],
      });
    const body = [transaction(1), 'this line is not JSON', transaction(3)].join('\n');
    await fabric.clients.s3.send(
      new PutObjectCommand({
        Bucket: fabric.resources.buckets.posBatches,
        Key: 'incoming/store-042/2026-11-23/console-1.jsonl',
        Body: body,
      }),
    );

    const list = await eventually('the store listed', async () => {
      const answer = await viewerGet<{ quietAfterHours: number; stores: StoreStatus[] }>('/stores');
      return answer.body.stores.length ? answer : undefined;
    });

    expect(list.status).toBe(200);
    expect(list.body.quietAfterHours).toBe(26);
    expect(list.body.stores).toEqual([
      expect.objectContaining({
        storeId: 'store-042',
        quiet: false,
        lastUpload: expect.objectContaining({
          batchId: 'console-1',
          businessDate: '2026-11-23',
          status: 'completed',
          missing: 1,
          counts: expect.objectContaining({ accepted: 2, rejected: 1, quarantinedLines: 1 }),
        }),
      }),
    ]);
    const detail = await viewerGet<StoreDetail>('/stores/store-042');
    expect(detail.status).toBe(200);
    expect(detail.body.openGaps).toEqual([
      { registerId: 'R9', businessDay: '2026-11-23', gaps: [{ from: 2, to: 2 }], missing: 1 },
    ]);
    expect(detail.body.quarantined).toHaveLength(1);
    expect(detail.body.quarantined[0].lines).toEqual([
      { lineNumber: 2, raw: 'this line is not JSON', reason: expect.any(String) },
    ]);
  });

  it('answers 400 for a store id the upload contract refuses and 404 for a store that never uploaded', async () => {
    const refused = await viewerGet<{ errors: { path: string }[] }>(`/stores/${encodeURIComponent('store 042')}`);
    const unknown = await viewerGet<{ message: string }>('/stores/store-000');

    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((issue) => issue.path)).toEqual(['storeId']);
    expect(unknown.status).toBe(404);
  });
});

describe('GET /settlements and /settlements/{settlementId}', () => {
  it('lists a reconciled settlement with its counts and amounts as money, and details it down to the lines', async () => {
    const matched = stockOrder('amazon', '111-0000001-0000001', [{ sku: 'TEE-RED-M', quantity: 2 }]);
    const overcharged = stockOrder('amazon', '111-0000002-0000002', [{ sku: 'TEE-RED-M', quantity: 4 }]);
    for (const order of [matched, overcharged]) {
      await takeOrder(order);
      await eventually(`order ${order.channelOrderId} stored`, async () =>
        (await fetch(`${fabric.apiUrl}/orders/${order.orderId}`)).status === 200 ? true : undefined,
      );
    }
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await uploadSettlement(fabric.resources, fabric.clients, [
        path.join(__dirname, '..', 'fixtures', 'settlement', 'amazon-settlement-v2.tsv'),
        'amazon',
      ]);
    } finally {
      log.mockRestore();
    }

    const list = await eventually(
      'the settlement listed',
      async () => {
        const answer = await viewerGet<{ settlements: SettlementSummary[] }>('/settlements');
        return answer.body.settlements.length ? answer : undefined;
      },
      20_000,
    );

    expect(list.body.settlements).toEqual([
      expect.objectContaining({
        settlementId: '24681357901',
        channel: 'amazon',
        counts: expect.objectContaining({ matched: 1, variance: 1, unmatched: 1 }),
        amounts: {
          matched: { amountMinor: 2000, currency: 'USD' },
          variance: { amountMinor: 4000, currency: 'USD' },
          unmatched: { amountMinor: 1500, currency: 'USD' },
          // Charges as expected, one dollar more in fees than the schedule: the marketplace paid a dollar short.
          netVariance: { amountMinor: -100, currency: 'USD' },
        },
      }),
    ]);
    const detail = await viewerGet<SettlementDetail>('/settlements/24681357901');
    expect(detail.status).toBe(200);
    expect(detail.body.orders.map((order) => [order.status, order.channelOrderId])).toEqual([
      ['unmatched', '111-9999999-9999999'],
      ['variance', overcharged.channelOrderId],
      ['matched', matched.channelOrderId],
    ]);
    expect(detail.body.orders[1]).toMatchObject({
      fees: { amountMinor: 700, currency: 'USD' },
      expectedFees: { amountMinor: 600, currency: 'USD' },
      feeVariance: { amountMinor: 100, currency: 'USD' },
      reasons: ['FEE_VARIANCE'],
    });
    expect(detail.body.orders[1].lineNumbers.length).toBeGreaterThan(0);
  });

  it('answers 404 for a settlement never reconciled', async () => {
    expect((await viewerGet('/settlements/999')).status).toBe(404);
  });
});

describe('GET /erp/status', () => {
  it('shows the breaker opened by an outage with the order it holds back, then the ERP rejection', async () => {
    const sku = `CONSOLE-ERP-${run}`;
    await receive(sku, 10);
    fabric.erp.startOutage();
    const heldBack = stockOrder('shopify', `console-held-${run}`, [{ sku, quantity: 1 }]);
    await takeOrder(heldBack);

    const during = await eventually(
      'the breaker open with the order waiting',
      async () => {
        const { body } = await viewerGet<ErpStatus>('/erp/status');
        const open = body.breakers.some(
          (breaker) => breaker.name === 'business-central' && breaker.status !== 'closed',
        );
        return open && body.salesOrdersWaiting.some((order) => order.orderId === heldBack.orderId) ? body : undefined;
      },
      20_000,
    );
    expect(during.salesOrdersWaiting.find((order) => order.orderId === heldBack.orderId)).toMatchObject({
      stuck: false,
      reservedAt: expect.any(String),
      deadline: expect.any(String),
    });

    fabric.erp.endOutage();
    const rejectedSku = `CONSOLE-UNKNOWN-${run}`;
    fabric.erp.unknownItems.add(rejectedSku);
    await receive(rejectedSku, 1);
    const rejected = stockOrder('shopify', `console-rejected-${run}`, [{ sku: rejectedSku, quantity: 1 }]);
    await takeOrder(rejected);

    const after = await eventually(
      'the held order posted and the rejection listed',
      async () => {
        const { body } = await viewerGet<ErpStatus>('/erp/status');
        const posted = !body.salesOrdersWaiting.some((order) => order.orderId === heldBack.orderId);
        return posted && body.rejections.length ? body : undefined;
      },
      30_000,
    );
    expect(after.breakers.find((breaker) => breaker.name === 'business-central')?.status).toBe('closed');
    expect(after.rejections).toEqual([
      expect.objectContaining({
        documentType: 'sales_order',
        documentKey: rejected.orderId,
        orderId: rejected.orderId,
        erpCode: 'Internal_RecordNotFound',
      }),
    ]);
    // Refused, it stays reserved: still waiting for its sales order.
    expect(after.salesOrdersWaiting.map((order) => order.orderId)).toContain(rejected.orderId);
  });
});
