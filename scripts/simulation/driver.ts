import { GetQueueAttributesCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { LocalFabric } from '../local-fabric/local-fabric';
import { shopifyDeliveryHeaders } from '../sample/shopify-orders';
import { wooCommerceDeliveryHeaders } from '../sample/woocommerce-orders';
import { squareDeliveryHeaders } from '../sample/channel-samples';
import { redrive } from '../ops/dlq';
import { DynamoSkuCrossReference } from '../../shared/adapters/cross-reference';
import { DynamoLifecycleStore } from '../../shared/adapters/order-lifecycle-store';
import { DynamoEventTrail } from '../../shared/adapters/event-trail';
import { DynamoInventoryStore } from '../../shared/adapters/inventory-store';
import { DEVELOPMENT_WEBHOOK_SECRETS } from '../../shared/adapters/webhook-secrets';
import { secretEnvVar } from '../../shared/config/topology';
import { verifyInventory, isClean } from '../../shared/domain/inventory-verification';
import { buildScenario, simulationInventoryPolicy, squareVariationId, WAREHOUSE, type Scenario, type ScenarioOptions, type WebhookDelivery } from './scenario';
import { evaluate, type Observations, type SimulationReport } from './report';

export interface SimulationOptions extends ScenarioOptions {
  concurrency: number;
  /** How long the ERP stays down when the erp-down fault is on. */
  erpOutageMs?: number;
  /** Upper bound on waiting for the fabric to settle. */
  settleTimeoutMs?: number;
}

export type Progress = (line: string) => void;

/**
 * The simulated day runs in minutes what a retailer's runs in a day: the ERP connector may spend ten
 * times Business Central online's 20 requests a second, as a day compressed that much would need.
 */
export const SIMULATED_ERP_REQUESTS_PER_SECOND = 200;

/**
 * What the simulated fabric must be started with (handlers read it at cold start): the stores as
 * inventory locations, ERP retries and breaker sized so that an outage costs seconds, not minutes,
 * and the compressed day's ERP request rate.
 */
export function configureSimulationEnvironment(stores: number): void {
  Object.assign(process.env, {
    FABRIC_INVENTORY_POLICY: JSON.stringify(simulationInventoryPolicy(stores)),
    FABRIC_ERP_REQUEST_TIMEOUT_MS: '2000',
    FABRIC_ERP_RETRY_ATTEMPTS: '3',
    FABRIC_ERP_RETRY_BASE_MS: '100',
    FABRIC_ERP_RETRY_MAX_MS: '1000',
    FABRIC_ERP_BREAKER_FAILURES: '5',
    FABRIC_ERP_BREAKER_COOLDOWN_SECONDS: '2',
    FABRIC_ERP_REQUESTS_PER_SECOND: String(SIMULATED_ERP_REQUESTS_PER_SECOND),
  });
}

/** Queues whose retries the simulation wants in seconds, not the minutes AWS's visibility timeouts give. */
const FAST_RETRY_QUEUES = ['order-lifecycle', 'erp-sales-order-posting', 'erp-journal-posting', 'square-order-fetch'];

/**
 * Runs one simulated retail day against a running local fabric, only over its real interfaces:
 * signed webhooks and HTTP APIs, S3 uploads of POS batches, the channel and ERP stubs' knobs, and the
 * ops DLQ redrive. Reads the outcome back (order API, lifecycle and event trail tables, the ERP
 * simulator's own records) and returns the report with every invariant checked.
 */
export async function runSimulation(fabric: LocalFabric, options: SimulationOptions, progress: Progress = () => undefined): Promise<SimulationReport> {
  const scenario = buildScenario(options);
  const started = Date.now();
  const has = (fault: string) => options.faults.includes(fault as never);
  await prepare(fabric, scenario, options.concurrency, progress);
  const dlqAtStart = await deadLetterDepth(fabric);

  const answers = new Map<WebhookDelivery, { status: number; body: Record<string, unknown>; at: number }>();
  const posOnTime = scenario.posBatches.filter((b) => !b.late);
  await uploadPos(fabric, posOnTime);

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
    await sendAll(fabric, wave.deliveries, options.concurrency * wave.concurrencyFactor, answers, (done) => progress(`${wave.name}: ${done}/${wave.deliveries.length} deliveries`));
  }
  const sendSeconds = (Date.now() - sendStarted) / 1000;
  await outage;

  await uploadPos(fabric, scenario.posBatches.filter((b) => b.late));
  progress(`late store uploads: ${scenario.posBatches.filter((b) => b.late).length} batch(es)`);

  const orderIds = new Map<number, string>();
  for (const [delivery, answer] of answers) {
    if ((delivery.kind === 'original' || delivery.kind === 'poison') && typeof answer.body.orderId === 'string') orderIds.set(delivery.orderIndex, answer.body.orderId);
  }

  // The poison message: a Square notification for an order the Square API does not return yet; the
  // fetch fails until the queue gives up on it. Then the order appears and the run redrives.
  if (scenario.poisonOrderIndex !== undefined) {
    await until(async () => (await deadLetterDepth(fabric, 'square-order-fetch')) > 0, 90_000, () => progress('waiting for the poison message to reach the square-order-fetch DLQ'));
    const poison = scenario.orders[scenario.poisonOrderIndex];
    fabric.channelApis.square.orders.set(poison.channelOrderId, poison.payload);
  }
  const lifecycles = new DynamoLifecycleStore(fabric.resources.tables.orders);
  const settleDeadline = Date.now() + (options.settleTimeoutMs ?? 120_000 + options.orders * 300);
  // Whatever the outage and the 429s pushed past their retries lands in a DLQ too: let the
  // reachable orders settle first, so that "before" is what the day left behind.
  await settle(fabric, scenario, orderIds, lifecycles, options.concurrency, Math.min(settleDeadline, Date.now() + 20_000), progress, true);
  const dlqBeforeRedrive = await deadLetterDepth(fabric);
  const dlqByRule = await deadLetterDepths(fabric);
  // An operator redrives until nothing is held: a message redriven while its cause lingers (a posting
  // lock still held, a breaker still cooling) may come back once more.
  let redriven = 0;
  for (let round = 1; ; round += 1) {
    redriven += await redriveAll(fabric);
    progress(`redrive round ${round}: ${redriven} message(s) redriven so far`);
    const settled = await settle(fabric, scenario, orderIds, lifecycles, options.concurrency, settleDeadline, progress, false, 30_000);
    const quiet = await until(async () => (await queueDepth(fabric)) === 0, Math.min(30_000, Math.max(0, settleDeadline - Date.now())));
    if ((settled && quiet && (await deadLetterDepth(fabric)) === 0) || Date.now() > settleDeadline) break;
  }
  await settlePos(fabric, scenario, settleDeadline, progress);
  const dlqAfterRedrive = await deadLetterDepth(fabric);
  const stillQueued = await queueDepth(fabric);
  const settledSeconds = (Date.now() - started) / 1000;

  const observations = await observe(fabric, scenario, answers, orderIds, lifecycles, options.concurrency);
  return evaluate(scenario, {
    ...observations,
    dlq: { atStart: dlqAtStart, beforeRedrive: dlqBeforeRedrive, byRuleBeforeRedrive: dlqByRule, redriven, afterRedrive: dlqAfterRedrive, stillQueued },
    seconds: { sending: sendSeconds, total: settledSeconds },
  });
}

/** Maps the day's SKUs for every channel and the tills, makes retries fast, and receives the stock. */
async function prepare(fabric: LocalFabric, scenario: Scenario, concurrency: number, progress: Progress): Promise<void> {
  const xref = new DynamoSkuCrossReference(fabric.resources.tables.crossReference);
  await inParallel(scenario.skus, concurrency, async (s) => {
    await xref.mapSku('shopify', { channelSku: s.shopifySku }, s.sku);
    await xref.mapSku('woocommerce', { channelSku: s.wooSku }, s.sku);
    await xref.mapSku('square', { channelSku: '', variantId: squareVariationId(s) }, s.sku);
    await xref.mapSku('pos', { channelSku: s.posItemCode }, s.sku);
  });
  for (const queue of FAST_RETRY_QUEUES) {
    if (fabric.resources.queues[queue]) await fabric.clients.sqs.send(new SetQueueAttributesCommand({ QueueUrl: fabric.resources.queues[queue].url, Attributes: { VisibilityTimeout: '2' } }));
  }
  for (const order of scenario.orders) {
    if (order.channel === 'square' && order.index !== scenario.poisonOrderIndex) fabric.channelApis.square.orders.set(order.channelOrderId, order.payload);
  }
  const receipts = [
    ...Object.entries(scenario.warehouseStock).map(([sku, quantity]) => ({ sku, locationId: WAREHOUSE, quantity })),
    ...Object.entries(scenario.storeStock).flatMap(([locationId, skus]) => Object.entries(skus).map(([sku, quantity]) => ({ sku, locationId, quantity }))),
  ].filter((r) => r.quantity > 0);
  let done = 0;
  await inParallel(receipts, concurrency, async (receipt) => {
    const response = await fetch(`${fabric.apiUrl}/inventory/adjustments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `sim-receipt-${receipt.sku}-${receipt.locationId}` },
      body: JSON.stringify({ type: 'receipt', ...receipt, reference: { kind: 'erp_document', id: `sim-receipt-${receipt.locationId}` } }),
    });
    if (response.status >= 300) throw new Error(`receipt of ${receipt.sku} at ${receipt.locationId} answered ${response.status}: ${await response.text()}`);
    done += 1;
    if (done % 20 === 0 || done === receipts.length) progress(`stock receipts: ${done}/${receipts.length}`);
  });
}

function signedHeaders(delivery: WebhookDelivery, apiUrl: string): Record<string, string> {
  const secret = process.env[secretEnvVar(delivery.channel)] ?? DEVELOPMENT_WEBHOOK_SECRETS[delivery.channel];
  if (delivery.channel === 'shopify') {
    const headers = shopifyDeliveryHeaders(delivery.body, secret, delivery.topic, delivery.deliveryId);
    return delivery.kind === 'forged' ? { ...headers, 'x-shopify-hmac-sha256': 'Zm9yZ2VkIHNpZ25hdHVyZQ==' } : headers;
  }
  if (delivery.channel === 'woocommerce') return wooCommerceDeliveryHeaders(delivery.body, secret, delivery.topic);
  return squareDeliveryHeaders(delivery.body, secret, `${process.env.FABRIC_WEBHOOK_PUBLIC_BASE_URL ?? apiUrl}/webhooks/square`);
}

/** Sends deliveries as the channel would, retrying a throttled or failed attempt after a pause. */
async function sendAll(
  fabric: LocalFabric, deliveries: readonly WebhookDelivery[], concurrency: number,
  answers: Map<WebhookDelivery, { status: number; body: Record<string, unknown>; at: number }>, progress: (done: number) => void,
): Promise<void> {
  let done = 0;
  const send = async (delivery: WebhookDelivery): Promise<void> => {
    for (let attempt = 1; ; attempt += 1) {
      const at = Date.now();
      try {
        const response = await fetch(`${fabric.apiUrl}/webhooks/${delivery.channel}`, { method: 'POST', headers: signedHeaders(delivery, fabric.apiUrl), body: delivery.body });
        const text = await response.text();
        if ((response.status === 429 || response.status >= 500) && attempt < 5) {
          await sleep(200 * attempt);
          continue;
        }
        answers.set(delivery, { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, at });
        break;
      } catch (error) {
        if (attempt >= 5) throw error;
        await sleep(200 * attempt);
      }
    }
    if (delivery.then) await send(delivery.then);
  };
  await inParallel(deliveries, concurrency, async (delivery) => {
    await send(delivery);
    done += 1;
    if (done % 25 === 0 || done === deliveries.length) progress(done);
  });
}

async function uploadPos(fabric: LocalFabric, batches: Scenario['posBatches']): Promise<void> {
  for (const batch of batches) {
    await fabric.clients.s3.send(new PutObjectCommand({
      Bucket: fabric.resources.buckets.posBatches, Key: `incoming/${batch.storeId}/${batch.businessDate}/${batch.batchId}.csv`, Body: batch.csv,
    }));
  }
}

const TERMINAL = new Set(['posted_to_erp', 'cancelled', 'shipped', 'returned', 'refunded']);

/**
 * Waits until each order is where the day expects it; false at the deadline or when nothing moved for
 * `stallMs`. Lifecycles are read only once the outcome queues are empty: polling thousands of orders a
 * second would cost the fabric more than the day itself. Progress in the meantime comes from the ERP
 * simulator's own count, which costs nothing.
 */
async function settle(
  fabric: LocalFabric, scenario: Scenario, orderIds: Map<number, string>, lifecycles: DynamoLifecycleStore, concurrency: number,
  deadline: number, progress: Progress, quiet: boolean, stallMs = Number.POSITIVE_INFINITY,
): Promise<boolean> {
  const pending = new Set(orderIds.keys());
  let lastMove = Date.now();
  let lastSeen = '';
  while (pending.size > 0 && Date.now() < deadline && Date.now() - lastMove < stallMs) {
    const depth = await queueDepth(fabric);
    const seen = `${depth}/${fabric.erp.requests.length}/${pending.size}`;
    if (seen !== lastSeen) lastMove = Date.now();
    lastSeen = seen;
    if (depth === 0) {
      await inParallel([...pending], concurrency, async (index) => {
        const state = (await lifecycles.load(orderIds.get(index)!))?.state;
        const wanted = scenario.orders[index].expectation === 'cancelled' ? state === 'cancelled' : state !== undefined && TERMINAL.has(state);
        if (wanted) pending.delete(index);
      });
    }
    if (!quiet || pending.size > 0) progress(`settling: ${fabric.erp.salesOrders.length} sales orders in the ERP, ${depth} message(s) queued${depth === 0 ? `, ${orderIds.size - pending.size}/${orderIds.size} orders where the day expects them` : ''}`);
    if (pending.size > 0) await sleep(1000);
  }
  return pending.size === 0;
}

/** Waits until each store's on-hand shows its till sales once. */
async function settlePos(fabric: LocalFabric, scenario: Scenario, deadline: number, progress: Progress): Promise<void> {
  const skus = scenario.skus.map((s) => s.sku);
  await until(async () => {
    const views = await Promise.all(skus.map((sku) => availability(fabric.apiUrl, sku)));
    let matching = 0;
    let total = 0;
    for (const [storeId, stock] of Object.entries(scenario.storeStock)) {
      for (const [i, sku] of skus.entries()) {
        total += 1;
        const onHand = views[i].locations?.find((l: { locationId: string }) => l.locationId === storeId)?.onHand ?? 0;
        if (onHand === stock[sku] - (scenario.posUnits[storeId][sku] ?? 0)) matching += 1;
      }
    }
    progress(`store stock: ${matching}/${total} positions show their till sales`);
    return matching === total;
  }, Math.max(0, deadline - Date.now()));
}

async function redriveAll(fabric: LocalFabric): Promise<number> {
  let moved = 0;
  const quiet = console.log;
  console.log = () => undefined;
  try {
    for (const [rule, queues] of Object.entries(fabric.resources.queues)) {
      if ((await depthOf(fabric, queues.dlqUrl)) > 0) moved += (await redrive(fabric.resources, fabric.clients, [rule])).moved;
    }
  } finally {
    console.log = quiet;
  }
  return moved;
}

async function depthOf(fabric: LocalFabric, queueUrl: string): Promise<number> {
  const { Attributes = {} } = await fabric.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
  return Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
}

/**
 * The queues the day's invariants read the outcome of. Others (channel sync, pricing) may keep a
 * message in flight for their own long visibility timeout, which says nothing about this day.
 */
const OUTCOME_QUEUES = ['order-intake', 'inventory-reservation', 'order-lifecycle', 'erp-sales-order-posting', 'accounting-journal', 'erp-journal-posting', 'square-order-fetch', 'pos-stock-movements', 'pos-batch-continuation'];

/** Messages waiting or in flight in the outcome queues: zero once the fabric has finished the day. */
async function queueDepth(fabric: LocalFabric): Promise<number> {
  let depth = 0;
  for (const rule of OUTCOME_QUEUES) if (fabric.resources.queues[rule]) depth += await depthOf(fabric, fabric.resources.queues[rule].url);
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

/** Reads the day's outcome back from the fabric's APIs, tables and the ERP simulator's records. */
async function observe(
  fabric: LocalFabric, scenario: Scenario, answers: Map<WebhookDelivery, { status: number; body: Record<string, unknown>; at: number }>,
  orderIds: Map<number, string>, lifecycles: DynamoLifecycleStore, concurrency: number,
): Promise<Omit<Observations, 'dlq' | 'seconds'>> {
  const trail = new DynamoEventTrail(fabric.resources.tables.eventTrail);
  const acceptedAt = new Map<number, number>();
  for (const [delivery, answer] of answers) {
    if ((delivery.kind === 'original' || delivery.kind === 'poison') && answer.status === 202) acceptedAt.set(delivery.orderIndex, answer.at);
  }
  const orders: Observations['orders'] = [];
  await inParallel([...orderIds.entries()], concurrency, async ([index, orderId]) => {
    const lifecycle = await lifecycles.load(orderId);
    const entries = await trail.forCorrelation(orderId);
    const firstAt = (detailType: string) => {
      const times = entries.filter((e) => e.detailType === detailType).map((e) => Date.parse(e.eventTime));
      return times.length ? Math.min(...times) : undefined;
    };
    const sent = acceptedAt.get(index);
    const reservedAt = firstAt('InventoryReserved');
    const postedAt = firstAt('ErpSalesOrderPosted');
    orders.push({
      index, orderId, state: lifecycle?.state ?? 'none',
      erpSalesOrders: fabric.erp.salesOrdersFor(orderId).length,
      reservedMs: sent !== undefined && reservedAt !== undefined ? reservedAt - sent : undefined,
      postedMs: sent !== undefined && postedAt !== undefined ? postedAt - sent : undefined,
    });
  });
  const stock = await Promise.all(scenario.skus.map(async (s) => ({ sku: s.sku, view: await availability(fabric.apiUrl, s.sku) })));
  const { positions, movements, parts } = await new DynamoInventoryStore(fabric.resources.tables.inventory).scanForVerification();
  // The simulation's fabric is its own: the whole inventory is checked, not only the day's SKUs.
  const verification = verifyInventory(positions, movements, parts);
  return {
    answers: [...answers].map(([delivery, answer]) => ({ kind: delivery.kind, channel: delivery.channel, status: answer.status, duplicate: answer.body.duplicate === true })),
    orders,
    stock: stock.map(({ sku, view }) => ({
      sku,
      locations: (view.locations ?? []).map((l: Record<string, number | string>) => ({ locationId: String(l.locationId), onHand: Number(l.onHand), reserved: Number(l.reserved), availableToSell: Number(l.availableToSell) })),
    })),
    inventoryVerified: isClean(verification),
    inventoryDrift: verification.ledgerDrift.length + verification.reservedDrift.length + verification.orphans.length,
    erpRequests: { total: fabric.erp.requests.length, byStatus: countBy(fabric.erp.requests.map((r) => String(r.status))) },
    erpJournalLines: fabric.erp.journalLines.map((line) => ({ documentNumber: line.documentNumber, amount: line.amount })),
  };
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

async function until(probe: () => Promise<boolean>, timeoutMs: number, onWait: () => void = () => undefined): Promise<boolean> {
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

async function inParallel<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, async () => {
    while (next < items.length) await work(items[next++]);
  }));
}
