import { GetQueueAttributesCommand, SendMessageCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { LocalFabric } from '../local-fabric/local-fabric';
import { shopifyDeliveryHeaders } from '../sample/shopify-orders';
import { wooCommerceDeliveryHeaders } from '../sample/woocommerce-orders';
import { squareDeliveryHeaders, walmartDeliveryHeaders } from '../sample/channel-samples';
import { redrive } from '../ops/dlq';
import { DynamoSkuCrossReference } from '#shared/adapters/cross-reference';
import { DynamoLifecycleStore } from '#shared/adapters/order-lifecycle-store';
import { DynamoOrderRepository } from '#shared/adapters/order-store';
import { isCatchUpDelivery } from '#domain/intake/order-pull';
import { DynamoEventTrail } from '#shared/adapters/event-trail';
import { DynamoInventoryStore } from '#shared/adapters/inventory-store';
import { DynamoSettlementLedger } from '#shared/adapters/reconciliation-store';
import { DEVELOPMENT_WEBHOOK_SECRETS } from '#shared/adapters/webhook-secrets';
import { secretEnvVar } from '#shared/config/topology';
import { verifyInventory, isClean } from '#domain/inventory/verification';
import {
  buildScenario,
  PUBLISHED_CHANNELS,
  simulationInventoryPolicy,
  squareVariationId,
  WAREHOUSE,
  type ChannelDelivery,
  type PlannedOrder,
  type Scenario,
  type ScenarioOptions,
} from './scenario';
import { marketplaceSkuKeys } from './marketplace-orders';
import { expectedStates } from './fulfilment-plan';
import { SQUARE_TILL_LOCATION, shopifyLocationId, storeIds, type PosBatch } from './store-day';
import {
  finalState,
  planStoreFulfilment,
  type FulfilmentOrder,
  type StoreFulfilmentPlan,
  type StoreFulfilmentSeen,
} from './store-fulfilment';
import { DynamoFulfilmentStore } from '#shared/adapters/fulfilment-store';
import { requestView, type StoredRequest } from '#domain/fulfilment';
import { SQUARE_STORE_LOCATIONS_ENV } from '#shared/channels/square/square-store-sale';
import {
  countBy,
  evaluate,
  expectedStoreOnHand,
  failureCause,
  type Observations,
  type SimulationReport,
} from './report';

export interface SimulationOptions extends ScenarioOptions {
  concurrency: number;
  /** How long the ERP stays down when the erp-down fault is on. */
  erpOutageMs?: number;
  /** Upper bound on waiting for the fabric to settle. */
  settleTimeoutMs?: number;
}

/** Where the run is: a phase and how far through it. */
export interface ProgressUpdate {
  phase: string;
  done: number;
  total: number;
  detail?: string;
}
export type Progress = (update: ProgressUpdate) => void;

/**
 * The simulated day runs in minutes what a retailer's runs in a day: the ERP connector and the
 * channels' outbound calls may spend ten times their real budgets (Business Central online's 20
 * requests a second; Shopify's, WooCommerce's and eBay's 5), as a day compressed that much would need.
 */
export const SIMULATED_ERP_REQUESTS_PER_SECOND = 200;
const SIMULATED_CHANNEL_BUDGET = { ratePerSecond: 50, burst: 1000 };
/**
 * The simulated ERP stops a request after this long (Business Central online: 10 minutes), so a late
 * commit lands by then; the fabric looks a post left in doubt up after twice that, as on a busy
 * machine the ERP may take in a request well after the client sent it.
 */
export const SIMULATED_ERP_REQUEST_LIMIT_MS = 3_000;
/** With erp-slow, how many sales order posts (and journal $batches) the ERP leaves in doubt in each way. */
const SLOW_ERP_WRITES = { salesOrders: 8, journalBatches: 3 };

/** How long the simulated stores hold an uncollected pickup. */
const PICKUP_HOLD_MS = 18_000;

/**
 * What the simulated fabric must be started with (handlers read it at cold start): the stores as
 * inventory locations, ERP retries and breaker sized so that an outage costs seconds, not minutes,
 * and the compressed day's ERP and channel rate budgets.
 */
export function configureSimulationEnvironment(stores: number): void {
  Object.assign(process.env, {
    FABRIC_INVENTORY_POLICY: JSON.stringify(simulationInventoryPolicy(stores)),
    FABRIC_ERP_REQUEST_TIMEOUT_MS: '2000',
    FABRIC_ERP_COMMIT_HORIZON_MS: String(2 * SIMULATED_ERP_REQUEST_LIMIT_MS),
    FABRIC_ERP_RETRY_ATTEMPTS: '3',
    FABRIC_ERP_RETRY_BASE_MS: '100',
    FABRIC_ERP_RETRY_MAX_MS: '1000',
    FABRIC_ERP_BREAKER_FAILURES: '5',
    FABRIC_ERP_BREAKER_COOLDOWN_SECONDS: '2',
    FABRIC_ERP_REQUESTS_PER_SECOND: String(SIMULATED_ERP_REQUESTS_PER_SECOND),
    // The compressed day's webhooks arrive within a second or two: the catch-up need not wait minutes.
    FABRIC_CATCH_UP_SETTLE_SECONDS: '3',
    // A pickup left uncollected expires within the compressed day (18 seconds, not three days).
    FABRIC_PICKUP_HOLD_HOURS: String(PICKUP_HOLD_MS / 3_600_000),
    // The first store's Square till: its in-person Square orders are that store's transactions.
    [SQUARE_STORE_LOCATIONS_ENV]: JSON.stringify({ [SQUARE_TILL_LOCATION]: { storeId: storeIds(stores)[0] } }),
    FABRIC_CHANNEL_RATE_LIMITS: JSON.stringify({
      shopify: SIMULATED_CHANNEL_BUDGET,
      woocommerce: SIMULATED_CHANNEL_BUDGET,
      ebay: SIMULATED_CHANNEL_BUDGET,
      walmart: SIMULATED_CHANNEL_BUDGET,
      square: SIMULATED_CHANNEL_BUDGET,
    }),
  });
}

/**
 * A compressed day retries in seconds, not in AWS's minutes: every queue's visibility timeout is cut
 * to this (a record that failed is tried again after it), short enough for a day that lasts minutes,
 * long enough for an invocation still waiting on a channel's or the ERP's rate budget to finish first.
 */
const COMPRESSED_VISIBILITY_SECONDS = 30;
/**
 * Shorter still where a record waits for something to happen first (a shipment before its posting, a
 * posting while the breaker is open, a fetch the channel cannot answer yet, a duplicate notification
 * or order version while the first is handled) and its invocations are quick.
 */
const FAST_RETRY_QUEUES: Record<string, number> = {
  'order-lifecycle': 2,
  'erp-sales-order-posting': 2,
  'erp-journal-posting': 2,
  'square-order-fetch': 2,
  'inventory-fulfilment': 5,
  'return-intake': 5,
  'walmart-order-fetch': 5,
  'amazon-notifications': 5,
};
/**
 * How long the queues stay empty with no order moving before the day's leftovers are taken to be in
 * DLQs: longer than the warehouse's half-second round from a posted sales order to its shipment.
 */
const QUIET_BEFORE_REDRIVE_MS = 5_000;
/** POS continuations run a whole upload's invocation; their queue keeps its own visibility timeout. */
const OWN_VISIBILITY_QUEUES = new Set(['pos-batch-continuation']);

type Answers = Map<ChannelDelivery, { status: number; body: Record<string, unknown>; at: number }>;

/**
 * Runs one simulated retail day against a running local fabric, only over its real interfaces:
 * signed webhooks and HTTP APIs (stock receipts and transfers, the warehouse's shipments), S3 uploads
 * of POS batches and the settlement report, the channel and ERP stubs' knobs, and the ops DLQ
 * redrive. Reads the outcome back (order API, lifecycle, inventory, event trail and settlement
 * tables, the ERP simulator's and channel stubs' own records) and returns the report with every
 * invariant checked.
 */
export async function runSimulation(
  fabric: LocalFabric,
  options: SimulationOptions,
  progress: Progress = () => undefined,
): Promise<SimulationReport> {
  const scenario = buildScenario(options);
  const started = Date.now();
  // Runs may share a fabric (the tests run two days on one): this day's ERP records start here.
  const erpSince = { requests: fabric.erp.requests.length, journalLines: fabric.erp.journalLines.length };
  fabric.erp.requestLimitMs = SIMULATED_ERP_REQUEST_LIMIT_MS;
  const has = (fault: string) => options.faults.includes(fault as never);
  await prepare(fabric, scenario, options.concurrency, progress);
  const dlqAtStart = await deadLetterDepth(fabric);

  const answers: Answers = new Map();
  await uploadPos(
    fabric,
    scenario.posBatches.filter((b) => !b.late),
  );
  // The Square till rings up its sales as the stores' batches come in; each is announced twice.
  await sendAll(
    fabric,
    scenario.orders,
    scenario.squareTillSales.flatMap((sale) => sale.notifications),
    options.concurrency,
    answers,
    () => undefined,
  );
  const warehouse = new Warehouse(fabric, scenario, options.concurrency);
  const replenishment = replenish(fabric, scenario, options.concurrency);
  // eBay sends nothing, and the missed webhooks never come: the fabric's catch-up pulls them, here
  // every few seconds of the compressed day.
  const catchUps = repeatedly(() => fabric.runScheduled('channel-order-catch-up'), 5_000);

  let outage: Promise<void> | undefined;
  const sendStarted = Date.now();
  // The ERP's bad stretch starts with the second wave (the storm when there is one).
  const erpTroubleAt = Math.min(1, scenario.waves.length - 1);
  for (const [w, wave] of scenario.waves.entries()) {
    if (w === erpTroubleAt && has('erp-down')) {
      fabric.erp.startOutage();
      outage = sleep(options.erpOutageMs ?? 8_000).then(() => {
        fabric.erp.endOutage();
        if (has('erp-throttle')) fabric.erp.throttle(25, 1);
      });
    }
    if (w === erpTroubleAt && has('erp-throttle') && !has('erp-down')) fabric.erp.throttle(25, 1);
    if (w === erpTroubleAt && has('erp-slow')) slowDown(fabric);
    await sendAll(
      fabric,
      scenario.orders,
      wave.deliveries,
      options.concurrency * wave.concurrencyFactor,
      answers,
      (done) =>
        progress({
          phase: wave.name,
          done,
          total: wave.deliveries.length,
          detail: `${fabric.erp.salesOrders.length} in the ERP, ${warehouse.shipped} shipments`,
        }),
    );
  }
  await catchUps.stop();
  const sendSeconds = (Date.now() - sendStarted) / 1000;
  await outage;
  await replenishment;

  const late = scenario.posBatches.filter((b) => b.late);
  await uploadPos(fabric, late);
  progress({ phase: 'late store uploads', done: late.length, total: late.length });

  // The poison message: a Square notification for an order the Square API does not return yet; the
  // fetch fails until the queue gives up on it. Then the order appears and the run redrives.
  if (scenario.poisonOrderIndex !== undefined) {
    await until(
      async () => (await deadLetterDepth(fabric, 'square-order-fetch')) > 0,
      90_000,
      () => progress({ phase: 'poison message on its way to the square-order-fetch DLQ', done: 0, total: 1 }),
    );
    const poison = scenario.orders[scenario.poisonOrderIndex];
    fabric.channelApis.square.orders.set(poison.channelOrderId, poison.payload);
  }
  const lifecycles = new DynamoLifecycleStore(fabric.resources.tables.orders);
  const settleDeadline = Date.now() + (options.settleTimeoutMs ?? 120_000 + options.orders * 300);
  const beforeReturns = (order: PlannedOrder) => expectedStates(order, { returnsReceived: false });
  // Whatever the outage and the 429s pushed past their retries lands in a DLQ too: let the
  // reachable orders settle first, so that "before" is what the day left behind. Once the queues are
  // empty and nothing has moved for a few seconds, what is still pending waits in a DLQ.
  await settle(fabric, scenario, lifecycles, beforeReturns, Math.min(settleDeadline, Date.now() + 20_000), progress, {
    quietMs: QUIET_BEFORE_REDRIVE_MS,
  });
  const dlqBeforeRedrive = await deadLetterDepth(fabric);
  const dlqByRule = await deadLetterDepths(fabric);
  // An operator redrives until nothing is held: a message redriven while its cause lingers (a posting
  // lock still held, a breaker still cooling) may come back once more.
  let redriven = 0;
  for (let round = 1; ; round += 1) {
    redriven += await redriveAll(fabric);
    progress({ phase: `redrive round ${round}`, done: redriven, total: redriven });
    const settled = await settle(fabric, scenario, lifecycles, beforeReturns, settleDeadline, progress, {
      stallMs: 30_000,
    });
    const quiet = await until(
      async () => (await queueDepth(fabric)) === 0,
      Math.min(30_000, Math.max(0, settleDeadline - Date.now())),
    );
    if ((settled && quiet && (await deadLetterDepth(fabric)) === 0) || Date.now() > settleDeadline) break;
  }
  await warehouse.finish();

  // The stores' evening batches: returns of online orders that have shipped by now.
  await uploadPos(fabric, scenario.returnBatches);
  await settle(
    fabric,
    scenario,
    lifecycles,
    (order) => expectedStates(order, { returnsReceived: true }),
    settleDeadline,
    progress,
  );
  const settlement = await reconcileSettlement(fabric, scenario, settleDeadline, progress);
  await settlePos(fabric, scenario, settleDeadline, progress);
  const storeFulfilment = planStoreFulfilment(options);
  const storeFulfilmentSeen = await runStoreFulfilment(fabric, scenario, storeFulfilment, {
    concurrency: options.concurrency,
    deadline: Math.max(settleDeadline, Date.now() + 120_000),
    progress,
  });
  // Channel syncs and availability publications finish last: they may still be spending their rate budgets.
  await until(
    async () => (await queueDepth(fabric, Object.keys(fabric.resources.queues))) === 0,
    Math.max(0, settleDeadline - Date.now()),
    () => progress({ phase: 'channels catching up', done: 0, total: 1 }),
  );
  const dlqAfterRedrive = await deadLetterDepth(fabric);
  const stillQueued = await queueDepth(fabric, Object.keys(fabric.resources.queues));
  const settledSeconds = (Date.now() - started) / 1000;

  await fabric.erp.writesSettled();
  const observations = await observe(fabric, scenario, answers, lifecycles, erpSince, options.concurrency);
  return evaluate(scenario, {
    ...observations,
    shipmentAnswers: warehouse.answers,
    transferAnswers: await replenishment,
    settlement,
    storeFulfilment: { plan: storeFulfilment, seen: storeFulfilmentSeen },
    dlq: {
      atStart: dlqAtStart,
      beforeRedrive: dlqBeforeRedrive,
      byRuleBeforeRedrive: dlqByRule,
      redriven,
      afterRedrive: dlqAfterRedrive,
      stillQueued,
    },
    seconds: { sending: sendSeconds, total: settledSeconds },
  });
}

/**
 * A slow ERP, as a busy one is: some writes it commits but answers after the client's timeout, some it
 * commits and drops the connection of, and some it commits only after the client gave up (after the
 * client's own look-up, when one comes first). Every one of them must end as one document.
 */
function slowDown(fabric: LocalFabric): void {
  for (const documents of ['salesOrders', 'journalBatches'] as const) {
    const times = SLOW_ERP_WRITES[documents];
    fabric.erp.commitThenTimeout(times, SIMULATED_ERP_REQUEST_LIMIT_MS, documents);
    fabric.erp.commitThenDrop(times, documents);
    fabric.erp.commitLate(times, documents);
  }
}

/** Maps the day's SKUs for every channel and the tills, makes retries fast, tells the channel stubs their orders, and receives the stock. */
async function prepare(
  fabric: LocalFabric,
  scenario: Scenario,
  concurrency: number,
  progress: Progress,
): Promise<void> {
  const xref = new DynamoSkuCrossReference(fabric.resources.tables.crossReference);
  await inParallel(scenario.skus, concurrency, async (s) => {
    await xref.mapSku('shopify', { channelSku: s.shopifySku }, s.sku);
    await xref.mapSku('woocommerce', { channelSku: s.wooSku }, s.sku);
    await xref.mapSku('square', { channelSku: '', variantId: squareVariationId(s) }, s.sku);
    await xref.mapSku('pos', { channelSku: s.posItemCode }, s.sku);
    for (const channel of ['amazon', 'ebay', 'walmart'] as const)
      await xref.mapSku(channel, marketplaceSkuKeys[channel](s.marketplaceSkus[channel]), s.sku);
  });
  for (const [queue, { url }] of Object.entries(fabric.resources.queues)) {
    if (OWN_VISIBILITY_QUEUES.has(queue)) continue;
    const seconds = FAST_RETRY_QUEUES[queue] ?? COMPRESSED_VISIBILITY_SECONDS;
    await fabric.clients.sqs.send(
      new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { VisibilityTimeout: String(seconds) } }),
    );
  }
  for (const order of scenario.orders) {
    // The channel APIs hold their orders from the start; eBay's appear when the buyer places them (see sendAll).
    if (order.channel === 'square' && order.index !== scenario.poisonOrderIndex)
      fabric.channelApis.square.orders.set(order.channelOrderId, order.payload);
    if (order.channel === 'walmart') fabric.channelApis.walmart.orders.set(order.channelOrderId, order.payload);
    if (order.channel === 'amazon')
      fabric.channelApis.amazon.orders.set(order.channelOrderId, order.payload as { order: unknown; items: unknown[] });
    // The channel's own order, as its fulfilment, cancellation and refund endpoints know it.
    fabric.channelApis.outbound.addOrder(order.channel, order.channelOrderId, { lines: order.channelLines });
  }
  for (const sale of scenario.squareTillSales) fabric.channelApis.square.orders.set(sale.squareOrderId, sale.payload);
  const receipts = [
    ...Object.entries(scenario.warehouseStock).map(([sku, quantity]) => ({ sku, locationId: WAREHOUSE, quantity })),
    ...Object.entries(scenario.storeStock).flatMap(([locationId, skus]) =>
      Object.entries(skus).map(([sku, quantity]) => ({ sku, locationId, quantity })),
    ),
  ].filter((r) => r.quantity > 0);
  let done = 0;
  await inParallel(receipts, concurrency, async (receipt) => {
    const status = await adjustStock(fabric, `sim-receipt-${receipt.sku}-${receipt.locationId}`, {
      type: 'receipt',
      ...receipt,
      reference: { kind: 'erp_document', id: `sim-receipt-${receipt.locationId}` },
    });
    if (status >= 300) throw new Error(`receipt of ${receipt.sku} at ${receipt.locationId} answered ${status}`);
    done += 1;
    if (done % 20 === 0 || done === receipts.length)
      progress({ phase: 'stock receipts', done, total: receipts.length });
  });
}

async function adjustStock(fabric: LocalFabric, key: string, adjustment: Record<string, unknown>): Promise<number> {
  const response = await fetch(`${fabric.apiUrl}/inventory/adjustments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(adjustment),
  });
  await response.text();
  return response.status;
}

/** The warehouse replenishes the stores while the online day runs: one transfer per store and SKU, by the adjustments API. */
async function replenish(fabric: LocalFabric, scenario: Scenario, concurrency: number): Promise<number[]> {
  const statuses: number[] = [];
  await inParallel(scenario.transfers, Math.max(1, concurrency / 4), async (transfer) => {
    statuses.push(
      await adjustStock(fabric, transfer.transferId, {
        type: 'transfer',
        sku: transfer.sku,
        fromLocationId: WAREHOUSE,
        toLocationId: transfer.toLocationId,
        quantity: transfer.quantity,
        reference: { kind: 'transfer', id: transfer.transferId },
      }),
    );
  });
  return statuses;
}

/**
 * The warehouse: ships each order's planned shipments through `POST /shipments` once the ERP holds
 * the order (a WMS releases what the ERP released), polling the ERP simulator's records, which costs
 * the fabric nothing. Runs beside the online day until every planned shipment is confirmed.
 */
class Warehouse {
  readonly answers: { shipmentId: string; status: number }[] = [];
  shipped = 0;
  private readonly waiting: PlannedOrder[];
  private readonly running: Promise<void>;
  private stopAt = Number.POSITIVE_INFINITY;

  constructor(
    private readonly fabric: LocalFabric,
    scenario: Scenario,
    private readonly concurrency: number,
  ) {
    this.waiting = scenario.orders.filter((order) => order.shipments.length > 0);
    this.running = this.run();
  }

  /** Resolves once everything planned shipped, or the deadline passed with orders never posted. */
  async finish(deadline = Date.now() + 30_000): Promise<void> {
    this.stopAt = deadline;
    await this.running;
  }

  private async run(): Promise<void> {
    while (this.waiting.length > 0 && Date.now() < this.stopAt) {
      const released = this.waiting.filter((order) => this.fabric.erp.salesOrdersFor(order.orderId).length > 0);
      for (const order of released) this.waiting.splice(this.waiting.indexOf(order), 1);
      await inParallel(released, this.concurrency, (order) => this.ship(order));
      if (released.length === 0) await sleep(500);
    }
  }

  private async ship(order: PlannedOrder): Promise<void> {
    for (const shipment of order.shipments) {
      const response = await fetch(`${this.fabric.apiUrl}/shipments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          shipmentId: shipment.shipmentId,
          orderId: order.orderId,
          locationId: WAREHOUSE,
          carrier: 'UPS',
          trackingNumber: `1Z${shipment.shipmentId.replace(/[^A-Z0-9]/gi, '').toUpperCase()}`,
          shippedAt: '2026-11-23T16:00:00-05:00',
          lines: Object.entries(shipment.unitsBySku).map(([sku, quantity]) => ({ sku, quantity })),
        }),
      });
      await response.text();
      this.answers.push({ shipmentId: shipment.shipmentId, status: response.status });
      this.shipped += 1;
    }
  }
}

function signedHeaders(delivery: ChannelDelivery, apiUrl: string): Record<string, string> {
  const secret = process.env[secretEnvVar(delivery.channel)] ?? DEVELOPMENT_WEBHOOK_SECRETS[delivery.channel];
  if (delivery.channel === 'walmart') return walmartDeliveryHeaders(delivery.body, secret);
  if (delivery.channel === 'shopify') {
    const headers = shopifyDeliveryHeaders(delivery.body, secret, delivery.topic, delivery.deliveryId);
    return delivery.kind === 'forged' ? { ...headers, 'x-shopify-hmac-sha256': 'Zm9yZ2VkIHNpZ25hdHVyZQ==' } : headers;
  }
  if (delivery.channel === 'woocommerce') return wooCommerceDeliveryHeaders(delivery.body, secret, delivery.topic);
  return squareDeliveryHeaders(
    delivery.body,
    secret,
    `${process.env.FABRIC_WEBHOOK_PUBLIC_BASE_URL ?? apiUrl}/webhooks/square`,
  );
}

/**
 * Sends deliveries as each channel would: webhooks signed and retried after a pause when throttled or
 * failed, Amazon's notifications written to the fabric's SQS queue, eBay's orders put in the eBay API
 * for the catch-up pull (modified a minute ago, inside the window of its next run), and a missed
 * notification not at all: its order is only modified in the channel's API, for the catch-up to find.
 */
async function sendAll(
  fabric: LocalFabric,
  orders: readonly PlannedOrder[],
  deliveries: readonly ChannelDelivery[],
  concurrency: number,
  answers: Answers,
  progress: (done: number) => void,
): Promise<void> {
  let done = 0;
  const send = async (delivery: ChannelDelivery): Promise<void> => {
    if (delivery.kind === 'missed') {
      listUnannounced(fabric, orders[delivery.orderIndex], new Date(Date.now() - 60_000));
      return;
    }
    if (delivery.route === 'queue') {
      await fabric.clients.sqs.send(
        new SendMessageCommand({
          QueueUrl: fabric.resources.queues[`${delivery.channel}-notifications`].url,
          MessageBody: delivery.body,
        }),
      );
      return;
    }
    if (delivery.route === 'pull') {
      const order = JSON.parse(delivery.body) as Record<string, unknown>;
      fabric.channelApis.ebay.orders.set(String(order.orderId), {
        ...order,
        lastModifiedDate: new Date(Date.now() - 60_000).toISOString(),
      });
      return;
    }
    for (let attempt = 1; ; attempt += 1) {
      const at = Date.now();
      try {
        const response = await fetch(`${fabric.apiUrl}/webhooks/${delivery.channel}`, {
          method: 'POST',
          headers: signedHeaders(delivery, fabric.apiUrl),
          body: delivery.body,
        });
        const text = await response.text();
        if ((response.status === 429 || response.status >= 500) && attempt < 5) {
          await sleep(200 * attempt);
          continue;
        }
        answers.set(delivery, {
          status: response.status,
          body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
          at,
        });
        break;
      } catch (error) {
        if (attempt >= 5) throw error;
        await sleep(200 * attempt);
      }
    }
    if (delivery.followedBy) await send(delivery.followedBy);
  };
  await inParallel(deliveries, concurrency, async (delivery) => {
    await send(delivery);
    done += 1;
    if (done % 25 === 0 || done === deliveries.length) progress(done);
  });
}

/**
 * The order as its channel's API lists it once modified at `modifiedAt`: the only version the fabric
 * can learn of, since no webhook or notification announces it.
 */
function listUnannounced(fabric: LocalFabric, order: PlannedOrder, modifiedAt: Date): void {
  const stub = fabric.channelApis;
  const at = modifiedAt.toISOString();
  const payload = order.payload as Record<string, any>;
  switch (order.channel) {
    case 'shopify':
      stub.shopifyOrders.putShopifyOrder({ ...payload, updated_at: at });
      return;
    case 'woocommerce':
      // WooCommerce writes GMT times without an offset.
      stub.orderListing.putWooCommerceOrder({
        ...payload,
        date_modified: at.slice(0, 19),
        date_modified_gmt: at.slice(0, 19),
      });
      return;
    case 'square':
      stub.square.orders.set(order.channelOrderId, { ...payload, updated_at: at });
      return;
    case 'walmart':
      // Walmart's version is its lines' latest status date, in epoch milliseconds.
      stub.walmart.orders.set(order.channelOrderId, {
        ...payload,
        orderLines: {
          orderLine: payload.orderLines.orderLine.map((line: object) => ({
            ...line,
            statusDate: modifiedAt.getTime(),
          })),
        },
      });
      return;
    case 'amazon':
      stub.amazon.orders.set(order.channelOrderId, {
        order: { ...payload.order, LastUpdateDate: at },
        items: payload.items,
      });
      return;
    default:
      throw new Error(`${order.channel} orders are pulled, never announced: nothing to miss`);
  }
}

async function uploadPos(fabric: LocalFabric, batches: readonly PosBatch[]): Promise<void> {
  for (const batch of batches) {
    await fabric.clients.s3.send(
      new PutObjectCommand({
        Bucket: fabric.resources.buckets.posBatches,
        Key: `incoming/${batch.storeId}/${batch.businessDate}/${batch.batchId}.csv`,
        Body: batch.csv,
      }),
    );
  }
}

/**
 * Waits until each order is in one of the states `wanted` gives it; false at the deadline, when
 * nothing moved for `stallMs`, or when nothing moved for `quietMs` with the outcome queues empty.
 * Lifecycles are read only once the outcome queues are empty: polling thousands of orders a second
 * would cost the fabric more than the day itself. Progress in the meantime comes from the ERP
 * simulator's own count, which costs nothing.
 */
async function settle(
  fabric: LocalFabric,
  scenario: Scenario,
  lifecycles: DynamoLifecycleStore,
  wanted: (order: PlannedOrder) => string[],
  deadline: number,
  progress: Progress,
  { stallMs = Number.POSITIVE_INFINITY, quietMs = Number.POSITIVE_INFINITY } = {},
): Promise<boolean> {
  const pending = new Set(scenario.orders);
  let lastMove = Date.now();
  let lastSeen = '';
  let backlog = 0;
  while (pending.size > 0 && Date.now() < deadline && Date.now() - lastMove < stallMs) {
    const depth = await queueDepth(fabric);
    const seen = `${depth}/${fabric.erp.requests.length}/${pending.size}`;
    if (seen !== lastSeen) lastMove = Date.now();
    lastSeen = seen;
    if (depth === 0 && Date.now() - lastMove >= quietMs) break;
    backlog = Math.max(backlog, depth);
    if (depth > 0) {
      progress({
        phase: 'draining the queues',
        done: backlog - depth,
        total: backlog,
        detail: `${fabric.erp.salesOrders.length} in the ERP`,
      });
    } else {
      const now = await lifecycles.loadMany([...pending].map((order) => order.orderId));
      for (const order of pending) {
        const state = now.get(order.orderId)?.state;
        if (state !== undefined && wanted(order).includes(state)) pending.delete(order);
      }
      progress({
        phase: 'orders where the day expects them',
        done: scenario.orders.length - pending.size,
        total: scenario.orders.length,
      });
    }
    if (pending.size > 0) await sleep(1000);
  }
  return pending.size === 0;
}

/**
 * The omnichannel part of the day (store-fulfilment.ts), over the fabric's own interfaces: the
 * merchant posts the sourcing rules, the orders come in through their channels, the stores work their
 * tasks through the store tasks API (accept, pick, reject one, hand pickups over against the code the
 * buyer was given, ship), the warehouse ships what is released to it once the ERP holds the order, a
 * receipt arrives for the backorder and a transfer travels to a store. Returns what it saw.
 */
async function runStoreFulfilment(
  fabric: LocalFabric,
  scenario: Scenario,
  plan: StoreFulfilmentPlan,
  { concurrency, deadline, progress }: { concurrency: number; deadline: number; progress: Progress },
): Promise<StoreFulfilmentSeen> {
  const xref = new DynamoSkuCrossReference(fabric.resources.tables.crossReference);
  for (const s of Object.values(plan.skus)) {
    await xref.mapSku('shopify', { channelSku: s.shopifySku }, s.sku);
    await xref.mapSku('square', { channelSku: '', variantId: squareVariationId(s) }, s.sku);
  }
  for (const [locationId, skus] of Object.entries(plan.stock))
    for (const [sku, quantity] of Object.entries(skus)) {
      const status = await adjustStock(fabric, `sim-receipt-${sku}-${locationId}`, {
        type: 'receipt',
        sku,
        locationId,
        quantity,
        reference: { kind: 'erp_document', id: `sim-receipt-${locationId}` },
      });
      if (status >= 300) throw new Error(`receipt of ${sku} at ${locationId} answered ${status}`);
    }
  const rulesAnswer = await postJson(fabric, '/sourcing-rules', plan.rules);
  for (const order of plan.orders) {
    if (order.channel === 'square') fabric.channelApis.square.orders.set(order.channelOrderId, order.payload);
    fabric.channelApis.outbound.addOrder(order.channel, order.channelOrderId, {
      lines: order.channelLines,
      ...(order.role.startsWith('pickup') ? { pickupLocationId: shopifyLocationId(order.storeId!) } : {}),
    });
  }
  const { transfer } = plan;
  const transferAnswers = [
    await adjustStock(fabric, `${transfer.transferId}-shipped`, {
      type: 'transfer_shipped',
      transferId: transfer.transferId,
      sku: transfer.sku,
      fromLocationId: transfer.fromLocationId,
      toLocationId: transfer.toLocationId,
      quantity: transfer.shipped,
      reference: { kind: 'transfer', id: transfer.transferId },
    }),
  ];
  const incomingInTransit =
    (await availability(fabric.apiUrl, transfer.sku)).locations?.find(
      (l: { locationId: string }) => l.locationId === transfer.toLocationId,
    )?.incoming ?? 0;
  await sendAll(
    fabric,
    [],
    plan.orders.map((order) => order.delivery),
    concurrency,
    new Map(),
    () => undefined,
  );

  const stores = new StoreStaff(fabric);
  const requests = new DynamoFulfilmentStore(fabric.resources.tables.fulfilment);
  const lifecycles = new DynamoLifecycleStore(fabric.resources.tables.orders);
  const backorder = plan.orders.find((order) => order.role === 'backorder');
  let backorderReceived = false;
  while (Date.now() < deadline) {
    await fabric.runScheduled('fulfilment-watch');
    const states = await lifecycles.loadMany(plan.orders.map((order) => order.orderId));
    const settled = plan.orders.filter((order) => states.get(order.orderId)?.state === finalState(order)).length;
    progress({ phase: 'stores and pickups', done: settled, total: plan.orders.length });
    if (settled === plan.orders.length && backorderReceived) break;
    for (const order of plan.orders)
      for (const request of await requests.listByOrder(order.orderId)) await stores.work(order, request);
    if (backorder && !backorderReceived && states.get(backorder.orderId)?.state === 'backordered') {
      const { sku, locationId, quantity } = plan.backorderReceipt;
      const status = await adjustStock(fabric, `sim-backorder-receipt-${sku}`, {
        type: 'receipt',
        sku,
        locationId,
        quantity,
        reference: { kind: 'erp_document', id: `sim-po-${sku}` },
      });
      stores.answers.push({ what: `receipt of ${sku}`, status });
      backorderReceived = true;
    }
    await sleep(1000);
  }
  transferAnswers.push(
    await adjustStock(fabric, `${transfer.transferId}-received`, {
      type: 'transfer_received',
      transferId: transfer.transferId,
      sku: transfer.sku,
      quantity: transfer.received,
      reference: { kind: 'transfer', id: transfer.transferId },
    }),
  );
  await until(
    async () => (await queueDepth(fabric, Object.keys(fabric.resources.queues))) === 0,
    Math.max(0, deadline - Date.now()),
  );

  const states = await lifecycles.loadMany(plan.orders.map((order) => order.orderId));
  const stock: StoreFulfilmentSeen['stock'] = {};
  for (const { sku } of Object.values(plan.skus)) {
    const view = await availability(fabric.apiUrl, sku);
    stock[sku] = Object.fromEntries(
      (view.locations ?? []).map((l: Record<string, number | string>) => [
        String(l.locationId),
        { onHand: Number(l.onHand), reserved: Number(l.reserved), incoming: Number(l.incoming) },
      ]),
    );
  }
  let requestsToday = 0;
  await inParallel([...scenario.orders, ...plan.orders], concurrency, async (order) => {
    const { length } = await requests.listByOrder(order.orderId);
    requestsToday += length;
  });
  const outbound = fabric.channelApis.outbound;
  return {
    rulesAnswer,
    answers: stores.answers,
    orders: await Promise.all(
      plan.orders.map(async (order) => ({
        orderId: order.orderId,
        state: states.get(order.orderId)?.state ?? 'none',
        erpSalesOrders: fabric.erp.salesOrdersFor(order.orderId).length,
        requests: (await requests.listByOrder(order.orderId)).map(requestView),
      })),
    ),
    stock,
    incomingInTransit,
    transferAnswers,
    pickupsToldReady: countBy(outbound.pickups.map((p) => p.channelOrderId)),
    cancellations: countBy(outbound.cancellations.map((c) => c.channelOrderId)),
    requestsToday,
  };
}

/**
 * The stores' staff and the warehouse, each moving a request one step per look: a store accepts its
 * task (or rejects the one the day has it reject), picks it, hands a pickup over against the buyer's
 * code or ships it; the warehouse ships what was released to it. Nothing moves before the ERP holds
 * the order (a WMS and a till release what the ERP released), except the pickup the day leaves to expire.
 */
class StoreStaff {
  readonly answers: { what: string; status: number }[] = [];
  private readonly shipped = new Set<string>();

  constructor(private readonly fabric: LocalFabric) {}

  async work(order: FulfilmentOrder, request: StoredRequest): Promise<void> {
    const released = this.fabric.erp.salesOrdersFor(order.orderId).length > 0;
    const act = (action: string, body: Record<string, unknown> = {}) =>
      this.call(
        `${action} ${request.requestId}`,
        `/store-tasks/${encodeURIComponent(request.requestId)}/${action}`,
        body,
      );
    if (request.route === 'warehouse') {
      if (request.status !== 'released' || !released || this.shipped.has(request.requestId)) return;
      this.shipped.add(request.requestId);
      await this.call(`shipment of ${request.requestId}`, '/shipments', {
        shipmentId: `SHP-${request.requestId}`,
        orderId: order.orderId,
        locationId: request.locationId,
        carrier: 'UPS',
        trackingNumber: `1Z${request.requestId
          .replace(/[^A-Z0-9]/gi, '')
          .toUpperCase()
          .slice(-16)}`,
        shippedAt: '2026-11-23T17:00:00-05:00',
        lines: request.lines.map(({ sku, quantity }) => ({ sku, quantity })),
      });
      return;
    }
    if (request.route !== 'store_task') return;
    const expiring = order.role === 'pickup-expired';
    switch (request.status) {
      case 'open':
        if (order.role === 'store-rejected' && request.attempt === 1)
          await act('reject', { reason: 'the last one on the shelf is damaged' });
        else await act('accept');
        return;
      case 'accepted':
        if (released || expiring) await act('picked');
        return;
      case 'ready_for_pickup': {
        // The buyer shows the code the shop's ready-for-pickup email carried (the order's metafield on Shopify).
        const code = this.fabric.channelApis.outbound.metafields.get(`${order.channelOrderId}#fabric.pickup_code`);
        if (!expiring && released && code) await act('collect', { code });
        return;
      }
      case 'picked':
        if (released)
          await act('shipped', {
            carrier: 'USPS',
            trackingNumber: `94001${String(request.createdAt).replace(/\D/g, '')}`,
          });
        return;
      default:
    }
  }

  private async call(what: string, path: string, body: Record<string, unknown>): Promise<void> {
    this.answers.push({ what, status: await postJson(this.fabric, path, body) });
  }
}

async function postJson(fabric: LocalFabric, path: string, body: unknown): Promise<number> {
  const response = await fetch(`${fabric.apiUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await response.text();
  return response.status;
}

/** Waits until each store's on hand shows its till sales once, its transfers and its returns. */
async function settlePos(fabric: LocalFabric, scenario: Scenario, deadline: number, progress: Progress): Promise<void> {
  const skus = scenario.skus.map((s) => s.sku);
  await until(
    async () => {
      const views = await Promise.all(skus.map((sku) => availability(fabric.apiUrl, sku)));
      let matching = 0;
      let total = 0;
      for (const storeId of Object.keys(scenario.storeStock)) {
        for (const [i, sku] of skus.entries()) {
          total += 1;
          const onHand = views[i].locations?.find((l: { locationId: string }) => l.locationId === storeId)?.onHand ?? 0;
          if (onHand === expectedStoreOnHand(scenario, storeId, sku)) matching += 1;
        }
      }
      progress({ phase: 'store stock', done: matching, total });
      return matching === total;
    },
    Math.max(0, deadline - Date.now()),
  );
}

/** Uploads the day's payout to the settlement bucket and waits for its reconciliation report. */
async function reconcileSettlement(
  fabric: LocalFabric,
  scenario: Scenario,
  deadline: number,
  progress: Progress,
): Promise<Observations['settlement']> {
  const planned = scenario.settlement;
  if (!planned) return undefined;
  await fabric.clients.s3.send(
    new PutObjectCommand({ Bucket: fabric.resources.buckets.settlementReports, Key: planned.key, Body: planned.body }),
  );
  const ledger = new DynamoSettlementLedger(fabric.resources.tables.accounting);
  let read: Awaited<ReturnType<DynamoSettlementLedger['readReport']>>;
  await until(
    async () => {
      read = await ledger.readReport(planned.settlementId);
      return read !== undefined;
    },
    Math.max(0, deadline - Date.now()),
    () => progress({ phase: 'settlement report', done: 0, total: 1 }),
  );
  if (!read) return { settlementId: planned.settlementId, reconciled: false, orders: [] };
  return {
    settlementId: planned.settlementId,
    reconciled: true,
    orders: read.orders.map((o) => ({ channelOrderId: o.channelOrderId, status: o.status, reasons: o.reasons })),
  };
}

async function redriveAll(fabric: LocalFabric): Promise<number> {
  let moved = 0;
  const quiet = console.log;
  console.log = () => undefined;
  try {
    for (const [rule, queues] of Object.entries(fabric.resources.queues)) {
      if ((await depthOf(fabric, queues.dlqUrl)) > 0)
        moved += (await redrive(fabric.resources, fabric.clients, [rule])).moved;
    }
  } finally {
    console.log = quiet;
  }
  return moved;
}

async function depthOf(fabric: LocalFabric, queueUrl: string): Promise<number> {
  const { Attributes = {} } = await fabric.clients.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}

/**
 * The queues the orders' states are read from. Channel syncs and availability publications spend
 * rate budgets and may trail them; the run waits for those last, before it reads their outcome.
 */
const OUTCOME_QUEUES = [
  'order-intake',
  'inventory-reservation',
  'order-lifecycle',
  'erp-sales-order-posting',
  'accounting-journal',
  'erp-journal-posting',
  'square-order-fetch',
  'walmart-order-fetch',
  'amazon-notifications',
  'amazon-order-fetch',
  'ebay-order-fetch',
  'pos-stock-movements',
  'pos-batch-continuation',
  'inventory-fulfilment',
  'return-intake',
];

/** Messages waiting or in flight in the given queues (the outcome queues by default): zero once the fabric has finished with them. */
async function queueDepth(fabric: LocalFabric, rules: readonly string[] = OUTCOME_QUEUES): Promise<number> {
  let depth = 0;
  for (const rule of rules)
    if (fabric.resources.queues[rule]) depth += await depthOf(fabric, fabric.resources.queues[rule].url);
  return depth;
}

/** The DLQs holding anything, by routing rule. */
async function deadLetterDepths(fabric: LocalFabric): Promise<Record<string, number>> {
  const depths: Record<string, number> = {};
  for (const [name, queues] of Object.entries(fabric.resources.queues)) {
    const depth = await depthOf(fabric, queues.dlqUrl);
    if (depth) depths[name] = depth;
  }
  return depths;
}

/** Messages held in the DLQs, of one rule or of all. */
export async function deadLetterDepth(fabric: LocalFabric, rule?: string): Promise<number> {
  let depth = 0;
  for (const [name, queues] of Object.entries(fabric.resources.queues)) {
    if (!rule || rule === name) depth += await depthOf(fabric, queues.dlqUrl);
  }
  return depth;
}

async function availability(apiUrl: string, sku: string): Promise<Record<string, any>> {
  return (await (await fetch(`${apiUrl}/availability/${encodeURIComponent(sku)}`)).json()) as Record<string, any>;
}

/** Reads the day's outcome back from the fabric's APIs, tables, the ERP simulator's and the channel stubs' records. */
async function observe(
  fabric: LocalFabric,
  scenario: Scenario,
  answers: Answers,
  lifecycles: DynamoLifecycleStore,
  erpSince: { requests: number; journalLines: number },
  concurrency: number,
): Promise<
  Omit<Observations, 'dlq' | 'seconds' | 'shipmentAnswers' | 'transferAnswers' | 'settlement' | 'storeFulfilment'>
> {
  const trail = new DynamoEventTrail(fabric.resources.tables.eventTrail);
  const acceptedAt = new Map<number, number>();
  for (const [delivery, answer] of answers) {
    if ((delivery.kind === 'original' || delivery.kind === 'poison') && answer.status === 202)
      acceptedAt.set(delivery.orderIndex, answer.at);
  }
  const orders: Observations['orders'] = [];
  let trailEntries = 0;
  const failureCauses: string[] = [];
  // The trail names a queue as it is deployed (with the fabric's prefix); the report, as its rule.
  const ruleOfQueue = new Map(
    Object.entries(fabric.resources.queues).map(([rule, queue]) => [queue.arn.split(':').at(-1), rule]),
  );
  const eventIds = new Set<string>();
  const lifecycleOf = await lifecycles.loadMany(scenario.orders.map((planned) => planned.orderId));
  const orderStore = new DynamoOrderRepository(fabric.resources.tables.orders, fabric.resources.tables.crossReference);
  const foundByCatchUp: number[] = [];
  await inParallel(scenario.orders, concurrency, async (planned) => {
    const lifecycle = lifecycleOf.get(planned.orderId);
    const entries = await trail.forCorrelation(planned.orderId);
    trailEntries += entries.length;
    for (const failure of entries.filter((e) => e.outcome === 'failed'))
      failureCauses.push(`${ruleOfQueue.get(failure.queue) ?? failure.queue} ${failureCause(failure.reason)}`);
    for (const entry of entries) eventIds.add(entry.eventId);
    const firstAt = (detailType: string) => {
      const times = entries
        .filter((e) => e.detailType === detailType && e.outcome === 'handled')
        .map((e) => Date.parse(e.eventTime));
      return times.length ? Math.min(...times) : undefined;
    };
    const [first] = (await orderStore.getOrder(planned.orderId))?.history ?? [];
    if (first && isCatchUpDelivery(first.deliveryId)) foundByCatchUp.push(planned.index);
    const sent = acceptedAt.get(planned.index);
    const reservedAt = firstAt('InventoryReserved');
    const postedAt = firstAt('ErpSalesOrderPosted');
    orders.push({
      index: planned.index,
      orderId: planned.orderId,
      state: lifecycle?.state ?? 'none',
      erpSalesOrders: fabric.erp.salesOrdersFor(planned.orderId).length,
      reservedMs: sent !== undefined && reservedAt !== undefined ? reservedAt - sent : undefined,
      postedMs: sent !== undefined && postedAt !== undefined ? postedAt - sent : undefined,
    });
  });
  const stock = await Promise.all(
    scenario.skus.map(async (s) => ({ sku: s.sku, view: await availability(fabric.apiUrl, s.sku) })),
  );
  const { positions, movements, parts } = await new DynamoInventoryStore(
    fabric.resources.tables.inventory,
  ).scanForVerification();
  // The simulation's fabric is its own: the whole inventory is checked, not only the day's SKUs.
  const verification = verifyInventory(positions, movements, parts);
  const outbound = fabric.channelApis.outbound;
  const countByOrder = (records: { channel: string; channelOrderId: string }[]) =>
    countBy(records.map((r) => `${r.channel}:${r.channelOrderId}`));
  return {
    answers: [...answers].map(([delivery, answer]) => ({
      kind: delivery.kind,
      channel: delivery.channel,
      status: answer.status,
      duplicate: answer.body.duplicate === true,
    })),
    orders,
    foundByCatchUp,
    stock: stock.map(({ sku, view }) => ({
      sku,
      locations: (view.locations ?? []).map((l: Record<string, number | string>) => ({
        locationId: String(l.locationId),
        onHand: Number(l.onHand),
        reserved: Number(l.reserved),
        damaged: Number(l.damaged),
        availableToSell: Number(l.availableToSell),
      })),
      listings: PUBLISHED_CHANNELS.map((channel) => ({
        channel,
        mayList: (view.channels ?? []).find((c: { channel: string }) => c.channel === channel)?.listed,
        holds: outbound.listedQuantity(channel, sku),
      })),
    })),
    inventoryVerified: isClean(verification),
    inventoryDrift: verification.ledgerDrift.length + verification.reservedDrift.length + verification.orphans.length,
    erpRequests: fabric.erp.requests
      .slice(erpSince.requests)
      .map((r) => ({ method: r.method, path: r.path, status: r.status })),
    erpJournalLines: fabric.erp.journalLines
      .slice(erpSince.journalLines)
      .map((line) => ({ documentNumber: line.documentNumber, amount: line.amount, comment: line.comment })),
    channelCalls: {
      shipments: countByOrder(outbound.shipments),
      returns: countByOrder(outbound.returns),
      cancellations: countByOrder(outbound.cancellations),
    },
    orderEvents: {
      published: eventIds.size,
      consumed: trailEntries - failureCauses.length,
      failedDeliveries: failureCauses.length,
      failuresByQueueAndError: countBy(failureCauses),
    },
  };
}

/** Runs `work` every `intervalMs` until stopped, then once more; a failed run is the next run's to make good. */
function repeatedly(work: () => Promise<void>, intervalMs: number): { stop(): Promise<void> } {
  let running = true;
  const loop = (async () => {
    while (running) {
      await work().catch(() => undefined);
      await sleep(intervalMs);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      await work();
    },
  };
}

async function until(
  probe: () => Promise<boolean>,
  timeoutMs: number,
  onWait: () => void = () => undefined,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return true;
    if (Date.now() > deadline) return false;
    onWait();
    await sleep(1000);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function inParallel<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, concurrency) }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}
