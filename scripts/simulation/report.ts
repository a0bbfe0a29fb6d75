import { createHash } from 'node:crypto';
import { WAREHOUSE, type DeliveryKind, type PlannedOrder, type Scenario, type SimulatedChannel } from './scenario';
import { expectedStates, shippedUnits } from './fulfilment-plan';
import {
  checkStoreFulfilment,
  type StoreFulfilmentFigures,
  type StoreFulfilmentPlan,
  type StoreFulfilmentSeen,
} from './store-fulfilment';

/** What the driver read back from the fabric once the day settled. */
export interface Observations {
  /** The answers to the day's webhook deliveries (notifications on a queue and pulled orders get none). */
  answers: { kind: DeliveryKind; channel: SimulatedChannel; status: number; duplicate: boolean }[];
  shipmentAnswers: { shipmentId: string; status: number }[];
  /** The orders whose first version the fabric recorded came from its catch-up pull, not a channel's call. */
  foundByCatchUp: number[];
  transferAnswers: number[];
  /** The omnichannel part of the day: its plan and what the fabric showed of it (store-fulfilment.ts). */
  storeFulfilment: { plan: StoreFulfilmentPlan; seen: StoreFulfilmentSeen };
  orders: {
    index: number;
    orderId: string;
    state: string;
    erpSalesOrders: number;
    reservedMs?: number;
    postedMs?: number;
  }[];
  stock: {
    sku: string;
    locations: { locationId: string; onHand: number; reserved: number; damaged: number; availableToSell: number }[];
    /** Per channel the fabric publishes stock to: what it says the channel may list, and what the channel's stub holds. */
    listings: { channel: string; mayList?: number; holds?: number }[];
  }[];
  inventoryVerified: boolean;
  inventoryDrift: number;
  erpRequests: { method: string; path: string; status: number }[];
  /** `comment` is the line's position in its entry: a position held twice is a $batch posted twice. */
  erpJournalLines: { documentNumber: string; amount: number; comment?: string }[];
  /** What the channel stubs received, per `channel:channelOrderId`. */
  channelCalls: {
    shipments: Record<string, number>;
    returns: Record<string, number>;
    cancellations: Record<string, number>;
  };
  /**
   * From the event trail of the day's orders: distinct events, deliveries handled, deliveries failed
   * (and retried), and the failures counted by queue and error, so a DLQ the day filled says why.
   */
  orderEvents: {
    published: number;
    consumed: number;
    failedDeliveries: number;
    failuresByQueueAndError: Record<string, number>;
  };
  settlement?: {
    settlementId: string;
    reconciled: boolean;
    orders: { channelOrderId: string; status: string; reasons: string[] }[];
  };
  dlq: {
    atStart: number;
    beforeRedrive: number;
    byRuleBeforeRedrive: Record<string, number>;
    redriven: number;
    afterRedrive: number;
    stillQueued: number;
  };
  seconds: { sending: number; total: number };
}

interface Percentiles {
  count: number;
  p50?: number;
  p90?: number;
  p99?: number;
  max?: number;
}

export interface SimulationReport {
  seed: number;
  orders: number;
  stores: number;
  skus: number;
  faults: string[];
  deliveries: Record<string, Record<string, number>>;
  duplicatesSuppressed: number;
  forgeriesRefused: number;
  ordersByState: Record<string, number>;
  ordersByChannel: Record<string, number>;
  businessTotalMinor: { USD: number };
  flashSale?: { sku: string; stock: number; orders: number; won: number };
  units: {
    orderedOnline: number;
    reservedAtWarehouse: number;
    stockReceivedAtWarehouse: number;
    shipped: number;
    transferredToStores: number;
    oversold: number;
    soldInStores: number;
    returnedInStores: number;
  };
  inventoryLedgerAgrees: boolean;
  /** Orders whose webhook or notification the day dropped, and how many of them the catch-up pull found. */
  catchUp: { missed: number; recovered: number };
  events: Observations['orderEvents'];
  deadLetters: Observations['dlq'];
  fulfilment: {
    shipmentsConfirmed: number;
    shipmentsToChannels: number;
    returnsToChannels: number;
    cancellationsToChannels: number;
    transfers: number;
  } & StoreFulfilmentFigures;
  erp: {
    requests: number;
    byStatus: Record<string, number>;
    retried: number;
    /** Sales orders posted, and deleted again because the order was cancelled after its posting. */
    salesOrderPosts: number;
    salesOrderDeletes: number;
    salesOrders: number;
    ordersPostedOnce: number;
    ordersPostedTwice: number;
    reservedWithoutSalesOrder: number;
    /** Journal lines the ERP holds for the day, and the $batch requests sent for them (an entry's lines in one; those answered 429/503 counted too). */
    journalLines: number;
    journalBatchPosts: number;
    journalDocuments: number;
    unbalancedJournalDocuments: number;
    journalLinesPostedTwice: number;
    /** Sum of every journal line, per currency: zero when the books balance. */
    journalBalance: Record<string, number>;
  };
  reconciliation?: {
    settlementId: string;
    ordersNamed: number;
    matched: number;
    expectedExceptions: string[];
    unexpectedExceptions: string[];
    missingExceptions: string[];
  };
  latencyMs: { webhookToReserved: Percentiles; webhookToPosted: Percentiles };
  throughput: { deliveriesPerSecond: number; ordersSettledPerSecond: number };
  seconds: Observations['seconds'];
  /** SHA-256 of the business totals (orders by state and channel, units, amounts, stock, ERP documents per order): the same seed gives the same digest. */
  totalsDigest: string;
  invariantsHold: boolean;
  violations: string[];
  notSimulated: string[];
}

/** Channels whose shipment and refund APIs the fabric calls (the others have none it can call). */
const SHIPMENT_SYNC_CHANNELS = new Set(['shopify', 'woocommerce', 'ebay', 'amazon', 'walmart', 'square']);
const RETURN_SYNC_CHANNELS = new Set(['shopify', 'woocommerce']);
/** The ERP simulator's company works in US dollars (DEVELOPMENT_ERP_CREDENTIALS.localCurrency). */
const ERP_CURRENCY = 'USD';

/**
 * Checks every invariant of the day against what the fabric shows, and summarises it. Pure.
 * Invariants: each first delivery accepted, each redelivery answered as a duplicate, each forgery
 * refused; every order where the day expects it; no position with reserved above on hand or
 * available-to-sell below zero; the warehouse reserving exactly the live orders' unshipped units and
 * holding what it received less what it shipped and transferred; each store holding its stock less its
 * till sales (counted once), plus its transfers and returns; ledger, positions and reservations
 * agreeing; each posted order exactly one ERP sales order, none for cancelled or never-reserved ones;
 * each ERP journal document balanced; each shipment confirmed once and told to its channel once, each
 * store return told to the order's channel once, each stock refusal cancelled on its channel once and
 * no channel cancellation echoed back; what Shopify lists equal to what the fabric says it may list;
 * the settlement reconciled with exactly the planted exceptions; nothing left in a DLQ or a queue.
 */
export function evaluate(scenario: Scenario, seen: Observations): SimulationReport {
  const violations: string[] = [];
  const deliveries: Record<string, Record<string, number>> = {};
  for (const a of seen.answers) {
    deliveries[a.kind] ??= {};
    deliveries[a.kind][String(a.status)] = (deliveries[a.kind][String(a.status)] ?? 0) + 1;
  }
  const kinds = (kind: DeliveryKind) => seen.answers.filter((a) => a.kind === kind);
  const notAccepted = [...kinds('original'), ...kinds('poison')].filter((a) => a.status !== 202).length;
  if (notAccepted) violations.push(`${notAccepted} first deliveries were not accepted with 202`);
  const duplicates = kinds('duplicate');
  const suppressed = duplicates.filter((a) => a.status === 200 && a.duplicate).length;
  if (suppressed !== duplicates.length)
    violations.push(`${duplicates.length - suppressed} redeliveries were not answered as duplicates`);
  const tillSalesRefused = kinds('till-sale').filter((a) => a.status !== 202).length;
  if (tillSalesRefused)
    violations.push(`${tillSalesRefused} Square till sale notifications were not accepted with 202`);
  const forged = kinds('forged');
  const refused = forged.filter((a) => a.status === 401).length;
  if (refused !== forged.length)
    violations.push(`${forged.length - refused} forged deliveries were not refused with 401`);
  const shipmentsRefused = seen.shipmentAnswers.filter((a) => a.status !== 202);
  if (shipmentsRefused.length)
    violations.push(
      `${shipmentsRefused.length} shipment confirmations were not accepted with 202 (${shipmentsRefused
        .slice(0, 3)
        .map((a) => `${a.shipmentId}: ${a.status}`)
        .join(', ')})`,
    );
  const plannedShipments = scenario.orders.reduce((sum, o) => sum + o.shipments.length, 0);
  if (seen.shipmentAnswers.length !== plannedShipments)
    violations.push(
      `${plannedShipments - seen.shipmentAnswers.length} planned shipments were never confirmed (their orders never reached the ERP)`,
    );
  const transfersRefused = seen.transferAnswers.filter((status) => status !== 201).length;
  if (transfersRefused) violations.push(`${transfersRefused} transfers to stores were not applied with 201`);

  const ordersByState: Record<string, number> = {};
  const ordersByChannel: Record<string, number> = {};
  const liveUnits: Record<string, number> = {};
  const shippedBySku: Record<string, number> = {};
  let businessTotal = 0;
  let flashWon = 0;
  let postedOnce = 0;
  let postedTwice = 0;
  let reservedWithoutSalesOrder = 0;
  const key = (order: PlannedOrder) => `${order.channel}:${order.channelOrderId}`;
  for (const order of seen.orders) {
    const planned = scenario.orders[order.index];
    ordersByState[order.state] = (ordersByState[order.state] ?? 0) + 1;
    ordersByChannel[planned.channel] = (ordersByChannel[planned.channel] ?? 0) + 1;
    businessTotal += planned.totalMinor;
    const expected = expectedStates(planned, { returnsReceived: true });
    if (!expected.includes(order.state))
      violations.push(
        `${order.orderId} (${planned.channel} ${planned.channelOrderId}) ended ${order.state}, expected ${expected.join(' or ')}`,
      );
    const shipped = shippedUnits(planned);
    for (const [sku, units] of Object.entries(shipped)) shippedBySku[sku] = (shippedBySku[sku] ?? 0) + units;
    if (order.state !== 'cancelled' && order.state !== 'none') {
      for (const [sku, units] of Object.entries(planned.unitsBySku))
        liveUnits[sku] = (liveUnits[sku] ?? 0) + units - (shipped[sku] ?? 0);
    }
    if (planned.expectation === 'flash' && order.state === 'posted_to_erp') flashWon += 1;
    if (order.erpSalesOrders > 1) {
      postedTwice += 1;
      violations.push(`${order.orderId} has ${order.erpSalesOrders} ERP sales orders`);
    }
    const wasPosted = !['cancelled', 'none', 'received', 'reserved', 'backordered'].includes(order.state);
    if (wasPosted && order.erpSalesOrders === 1) postedOnce += 1;
    if ((wasPosted || order.state === 'reserved') && order.erpSalesOrders === 0) {
      reservedWithoutSalesOrder += 1;
      violations.push(`${order.orderId} was reserved but has no ERP sales order`);
    }
    if (order.state === 'cancelled' && order.erpSalesOrders > 0)
      violations.push(`${order.orderId} was cancelled but the ERP still holds its sales order`);
    else if (!wasPosted && order.state !== 'reserved' && order.erpSalesOrders > 0)
      violations.push(`${order.orderId} was never reserved but has an ERP sales order`);

    // What each channel heard of the order: its shipments, its store return, a stock refusal; never its own cancellation.
    const calls = (kind: keyof Observations['channelCalls']) => seen.channelCalls[kind][key(planned)] ?? 0;
    const wantShipments = SHIPMENT_SYNC_CHANNELS.has(planned.channel) ? planned.shipments.length : 0;
    if (calls('shipments') !== wantShipments)
      violations.push(
        `${planned.channel} was told of ${calls('shipments')} shipment(s) of order ${planned.channelOrderId}, expected ${wantShipments}`,
      );
    const wantReturns = planned.storeReturn && RETURN_SYNC_CHANNELS.has(planned.channel) ? 1 : 0;
    if (calls('returns') !== wantReturns)
      violations.push(
        `${planned.channel} was told of ${calls('returns')} return(s) of order ${planned.channelOrderId}, expected ${wantReturns}`,
      );
    const wantCancellation = planned.expectation === 'flash' && order.state === 'cancelled' ? 1 : 0;
    if (calls('cancellations') !== wantCancellation)
      violations.push(
        `${planned.channel} was asked to cancel order ${planned.channelOrderId} ${calls('cancellations')} time(s), expected ${wantCancellation}`,
      );
  }
  if (seen.orders.length !== scenario.orders.length)
    violations.push(`${scenario.orders.length - seen.orders.length} orders were not read back`);

  // Each order whose notification the day dropped is found by the catch-up pull: its first recorded
  // version came from the pull (no channel call brought it), and it ended where the day expects it (above).
  const missed = scenario.waves.flatMap((wave) => wave.deliveries).filter((d) => d.kind === 'missed');
  const found = new Set(seen.foundByCatchUp);
  const lost = missed.filter((d) => !found.has(d.orderIndex));
  if (lost.length)
    violations.push(
      `${lost.length} orders whose notification never came were not found by the catch-up pull (${lost
        .slice(0, 3)
        .map((d) => `${d.channel} ${scenario.orders[d.orderIndex].channelOrderId}`)
        .join(', ')})`,
    );

  let oversold = 0;
  let reservedAtWarehouse = 0;
  const transferredBySku: Record<string, number> = {};
  for (const t of scenario.transfers) transferredBySku[t.sku] = (transferredBySku[t.sku] ?? 0) + t.quantity;
  for (const { sku, locations, listings } of seen.stock) {
    for (const l of locations) {
      const over = Math.max(0, l.reserved - l.onHand, -l.availableToSell);
      if (over > 0)
        violations.push(
          `${sku} at ${l.locationId}: reserved ${l.reserved} of ${l.onHand} on hand, ${l.availableToSell} available`,
        );
      oversold += over;
    }
    const warehouse = locations.find((l) => l.locationId === WAREHOUSE);
    reservedAtWarehouse += warehouse?.reserved ?? 0;
    if ((warehouse?.reserved ?? 0) !== (liveUnits[sku] ?? 0))
      violations.push(
        `${sku}: ${warehouse?.reserved ?? 0} units reserved at ${WAREHOUSE}, live orders hold ${liveUnits[sku] ?? 0} unshipped`,
      );
    const warehouseOnHand = scenario.warehouseStock[sku] - (shippedBySku[sku] ?? 0) - (transferredBySku[sku] ?? 0);
    if ((warehouse?.onHand ?? 0) !== warehouseOnHand)
      violations.push(
        `${sku} at ${WAREHOUSE}: on hand ${warehouse?.onHand ?? 0}, expected ${warehouseOnHand} after shipments and transfers`,
      );
    for (const storeId of Object.keys(scenario.storeStock)) {
      const store = locations.find((l) => l.locationId === storeId);
      const expected = expectedStoreOnHand(scenario, storeId, sku);
      if ((store?.onHand ?? 0) !== expected)
        violations.push(
          `${sku} at ${storeId}: on hand ${store?.onHand ?? 0}, expected ${expected} after till sales (once), transfers and returns`,
        );
      const damaged = scenario.orders
        .filter(
          (o) =>
            o.storeReturn?.storeId === storeId && o.storeReturn.sku === sku && o.storeReturn.reasonCode === 'DAMAGED',
        )
        .reduce((sum, o) => sum + o.storeReturn!.units, 0);
      if ((store?.damaged ?? 0) !== damaged)
        violations.push(
          `${sku} at ${storeId}: ${store?.damaged ?? 0} damaged, expected ${damaged} from damaged returns`,
        );
    }
    for (const { channel, mayList, holds } of listings)
      if (holds !== undefined && holds !== mayList)
        violations.push(`${sku}: ${channel} lists ${holds}, the fabric says it may list ${mayList}`);
  }
  if (!seen.inventoryVerified)
    violations.push(`inventory ledger, positions and reservations disagree in ${seen.inventoryDrift} place(s)`);
  if (scenario.flashSale && flashWon > scenario.flashSale.stock)
    violations.push(`flash sale: ${flashWon} orders won ${scenario.flashSale.stock} units`);
  if (seen.dlq.stillQueued > 0)
    violations.push(`${seen.dlq.stillQueued} message(s) still queued or in flight when the run gave up waiting`);
  if (seen.dlq.afterRedrive > 0) violations.push(`${seen.dlq.afterRedrive} message(s) still in DLQs after the redrive`);
  if (scenario.poisonOrderIndex !== undefined && seen.dlq.beforeRedrive === 0)
    violations.push('the poison message never reached a DLQ');

  const journal = new Map<string, number>();
  for (const line of seen.erpJournalLines)
    journal.set(line.documentNumber, (journal.get(line.documentNumber) ?? 0) + Math.round(line.amount * 100));
  const unbalanced = [...journal.values()].filter((sum) => sum !== 0).length;
  if (unbalanced) violations.push(`${unbalanced} ERP journal document(s) do not balance`);
  const journalBalance = { [ERP_CURRENCY]: [...journal.values()].reduce((a, b) => a + b, 0) };
  // A $batch posted twice leaves its document balanced: only a line position held twice shows it.
  const positions = countBy(
    seen.erpJournalLines.flatMap((line) => (line.comment ? [`${line.documentNumber} ${line.comment}`] : [])),
  );
  const journalLinesPostedTwice = Object.values(positions).reduce((sum, n) => sum + n - 1, 0);
  if (journalLinesPostedTwice) violations.push(`${journalLinesPostedTwice} ERP journal line(s) posted more than once`);

  const reconciliation = reconcile(scenario, seen, violations);
  const committed =
    seen.erpRequests.filter((r) => r.method === 'POST' && r.status === 201 && /\/salesOrders$/.test(r.path)).length -
    seen.erpRequests.filter((r) => r.method === 'DELETE' && r.status === 204).length;
  const held = [...seen.orders, ...seen.storeFulfilment.seen.orders].reduce((sum, o) => sum + o.erpSalesOrders, 0);
  if (committed !== held)
    violations.push(
      `the ERP committed ${committed} sales orders net of deletions but holds ${held} for the day's orders`,
    );

  const count = (predicate: (r: Observations['erpRequests'][number]) => boolean) =>
    seen.erpRequests.filter(predicate).length;
  const byStatus = countBy(seen.erpRequests.map((r) => String(r.status)));
  const soldInStores = Object.values(scenario.posUnits)
    .flatMap((skus) => Object.values(skus))
    .reduce((a, b) => a + b, 0);
  const orderedOnline = scenario.orders.flatMap((o) => Object.values(o.unitsBySku)).reduce((a, b) => a + b, 0);
  const stockReceived = Object.values(scenario.warehouseStock).reduce((a, b) => a + b, 0);
  const shippedTotal = Object.values(shippedBySku).reduce((a, b) => a + b, 0);
  const transferredTotal = Object.values(transferredBySku).reduce((a, b) => a + b, 0);
  const returnedInStores = scenario.orders.reduce((sum, o) => sum + (o.storeReturn?.units ?? 0), 0);
  const skuPosition = new Map(scenario.skus.map((s, i) => [s.sku, i]));
  const totals = {
    ordersByState: sorted(ordersByState),
    ordersByChannel: sorted(ordersByChannel),
    businessTotalMinor: businessTotal,
    reservedBySku: seen.stock.map((s) => [
      skuPosition.get(s.sku),
      s.locations.find((l) => l.locationId === WAREHOUSE)?.reserved ?? 0,
    ]),
    onHandByLocation: seen.stock.map((s) => [
      skuPosition.get(s.sku),
      s.locations.map((l) => [l.locationId, l.onHand, l.damaged]).sort(),
    ]),
    flashWon,
    soldInStores,
    orderedOnline,
    shippedTotal,
    transferredTotal,
    returnedInStores,
    settlement: reconciliation
      ? [reconciliation.ordersNamed, reconciliation.matched, reconciliation.expectedExceptions.length]
      : [],
    // How many orders hold 0, 1, 2... ERP sales orders, and journal lines held twice: a duplicate posting changes the digest.
    erpSalesOrdersPerOrder: sorted(countBy(seen.orders.map((o) => String(o.erpSalesOrders)))),
    journalLinesPostedTwice,
  };
  const shipmentsToChannels = Object.values(seen.channelCalls.shipments).reduce((a, b) => a + b, 0);
  const omnichannel = checkStoreFulfilment(seen.storeFulfilment.plan, seen.storeFulfilment.seen);
  violations.push(...omnichannel.violations);
  return {
    seed: scenario.options.seed,
    orders: scenario.orders.length,
    stores: scenario.options.stores,
    skus: scenario.skus.length,
    faults: [...scenario.options.faults],
    deliveries,
    duplicatesSuppressed: suppressed,
    forgeriesRefused: refused,
    ordersByState: sorted(ordersByState),
    ordersByChannel: sorted(ordersByChannel),
    businessTotalMinor: { USD: businessTotal },
    ...(scenario.flashSale ? { flashSale: { ...scenario.flashSale, won: flashWon } } : {}),
    units: {
      orderedOnline,
      reservedAtWarehouse,
      stockReceivedAtWarehouse: stockReceived,
      shipped: shippedTotal,
      transferredToStores: transferredTotal,
      oversold,
      soldInStores,
      returnedInStores,
    },
    inventoryLedgerAgrees: seen.inventoryVerified,
    catchUp: { missed: missed.length, recovered: missed.length - lost.length },
    events: seen.orderEvents,
    deadLetters: seen.dlq,
    fulfilment: {
      shipmentsConfirmed: seen.shipmentAnswers.filter((a) => a.status === 202).length,
      shipmentsToChannels,
      returnsToChannels: Object.values(seen.channelCalls.returns).reduce((a, b) => a + b, 0),
      cancellationsToChannels: Object.values(seen.channelCalls.cancellations).reduce((a, b) => a + b, 0),
      transfers: seen.transferAnswers.filter((status) => status === 201).length,
      ...omnichannel.figures,
    },
    erp: {
      requests: seen.erpRequests.length,
      byStatus,
      retried: (byStatus['429'] ?? 0) + (byStatus['503'] ?? 0),
      salesOrderPosts: count((r) => r.method === 'POST' && r.status === 201 && /\/salesOrders$/.test(r.path)),
      salesOrderDeletes: count((r) => r.method === 'DELETE' && r.status === 204),
      salesOrders: seen.orders.reduce((sum, o) => sum + o.erpSalesOrders, 0),
      ordersPostedOnce: postedOnce,
      ordersPostedTwice: postedTwice,
      reservedWithoutSalesOrder,
      journalLines: seen.erpJournalLines.length,
      journalBatchPosts: count((r) => r.method === 'POST' && /\/\$batch$/.test(r.path)),
      journalDocuments: journal.size,
      unbalancedJournalDocuments: unbalanced,
      journalLinesPostedTwice,
      journalBalance,
    },
    ...(reconciliation ? { reconciliation } : {}),
    latencyMs: {
      webhookToReserved: percentiles(seen.orders.map((o) => o.reservedMs)),
      webhookToPosted: percentiles(seen.orders.map((o) => o.postedMs)),
    },
    throughput: {
      deliveriesPerSecond: round(seen.answers.length / Math.max(seen.seconds.sending, 0.001)),
      ordersSettledPerSecond: round(seen.orders.length / Math.max(seen.seconds.total, 0.001)),
    },
    seconds: { sending: round(seen.seconds.sending), total: round(seen.seconds.total) },
    totalsDigest: createHash('sha256').update(JSON.stringify(totals)).digest('hex').slice(0, 16),
    invariantsHold: violations.length === 0,
    violations,
    notSimulated: [
      'refunds reported by channels (RefundReported) and an Amazon settlement report: the day settles Shopify Payments only',
      'eBay push notifications: eBay orders arrive through the catch-up pull only',
    ],
  };
}

/** What each store should show on hand once its till day (counted once), its transfers and its returns are in. */
export function expectedStoreOnHand(scenario: Scenario, storeId: string, sku: string): number {
  const transferred = scenario.transfers
    .filter((t) => t.toLocationId === storeId && t.sku === sku)
    .reduce((sum, t) => sum + t.quantity, 0);
  const returned = scenario.orders
    .filter((o) => o.storeReturn?.storeId === storeId && o.storeReturn.sku === sku)
    .reduce((sum, o) => sum + o.storeReturn!.units, 0);
  return scenario.storeStock[storeId][sku] - (scenario.posUnits[storeId][sku] ?? 0) + transferred + returned;
}

/** The settlement's exceptions against the ones the day planted: each planted one raised, nothing else. */
function reconcile(scenario: Scenario, seen: Observations, violations: string[]): SimulationReport['reconciliation'] {
  const planned = scenario.settlement;
  if (!planned) return undefined;
  if (!seen.settlement?.reconciled) {
    violations.push(`settlement ${planned.settlementId} was never reconciled`);
    return {
      settlementId: planned.settlementId,
      ordersNamed: 0,
      matched: 0,
      expectedExceptions: [],
      unexpectedExceptions: [],
      missingExceptions: planned.expectedExceptions.map((e) => `${e.reason} ${e.channelOrderId}`),
    };
  }
  const raised = seen.settlement.orders.flatMap((o) => o.reasons.map((reason) => `${reason} ${o.channelOrderId}`));
  const wanted = planned.expectedExceptions.map((e) => `${e.reason} ${e.channelOrderId}`);
  const unexpected = raised.filter((r) => !wanted.includes(r));
  const missing = wanted.filter((w) => !raised.includes(w));
  if (unexpected.length)
    violations.push(
      `settlement ${planned.settlementId} raised unexpected exceptions: ${unexpected.slice(0, 5).join(', ')}`,
    );
  if (missing.length) violations.push(`settlement ${planned.settlementId} did not raise: ${missing.join(', ')}`);
  const matched = seen.settlement.orders.filter((o) => o.status === 'matched').length;
  if (matched !== planned.matched.length)
    violations.push(`settlement ${planned.settlementId} matched ${matched} orders, expected ${planned.matched.length}`);
  return {
    settlementId: planned.settlementId,
    ordersNamed: seen.settlement.orders.length,
    matched,
    expectedExceptions: wanted.filter((w) => raised.includes(w)),
    unexpectedExceptions: unexpected,
    missingExceptions: missing,
  };
}

/** The human summary printed at the end of a run. */
export function formatSummary(report: SimulationReport): string {
  const r = report;
  const lines = [
    '',
    `simulated day: ${r.orders} online orders, ${r.stores} stores, ${r.skus} SKUs, seed ${r.seed}, faults ${r.faults.join(',') || 'none'}`,
    `deliveries: ${Object.entries(r.deliveries)
      .map(
        ([kind, byStatus]) =>
          `${kind} ${Object.entries(byStatus)
            .map(([s, n]) => `${n}x${s}`)
            .join('/')}`,
      )
      .join(', ')}`,
    `duplicates suppressed ${r.duplicatesSuppressed}, forgeries refused ${r.forgeriesRefused}`,
    `orders by state: ${fmt(r.ordersByState)}; by channel: ${fmt(r.ordersByChannel)}; total ${(r.businessTotalMinor.USD / 100).toFixed(2)} USD`,
    r.flashSale
      ? `flash sale on ${r.flashSale.sku}: ${r.flashSale.orders} orders for ${r.flashSale.stock} units, ${r.flashSale.won} won`
      : '',
    `units: ${r.units.orderedOnline} ordered online, ${r.units.reservedAtWarehouse} reserved at ${WAREHOUSE} of ${r.units.stockReceivedAtWarehouse} received, ${r.units.shipped} shipped, ${r.units.transferredToStores} transferred to stores, oversold ${r.units.oversold}; ${r.units.soldInStores} sold at the tills, ${r.units.returnedInStores} online units returned in stores; ledger ${r.inventoryLedgerAgrees ? 'agrees' : 'DISAGREES'}`,
    r.catchUp.missed
      ? `catch-up: ${r.catchUp.recovered} of the ${r.catchUp.missed} orders whose webhook or notification never came found by the pull`
      : '',
    `fulfilment: ${r.fulfilment.shipmentsConfirmed} shipments confirmed, ${r.fulfilment.shipmentsToChannels} told to channels; ${r.fulfilment.returnsToChannels} store returns and ${r.fulfilment.cancellationsToChannels} cancellations told to channels; ${r.fulfilment.transfers} transfers`,
    `omnichannel: ${r.fulfilment.requests} fulfilment requests, ${r.fulfilment.resourced} re-sourced; ${r.fulfilment.pickupsCollected} pickups collected, ${r.fulfilment.pickupsExpired} expired; ${r.fulfilment.splitOrders} split orders, ${r.fulfilment.backordersFilled} backorders filled, ${r.fulfilment.transfersInTransit} transfers in transit`,
    `events (the orders'): ${r.events.published} published, ${r.events.consumed} deliveries handled, ${r.events.failedDeliveries} failed and retried${failureCauses(r.events.failuresByQueueAndError)}`,
    `DLQ depth: ${r.deadLetters.beforeRedrive} before the redrive (${fmt(r.deadLetters.byRuleBeforeRedrive) || 'none'}), ${r.deadLetters.redriven} redriven, ${r.deadLetters.afterRedrive} after; ${r.deadLetters.stillQueued} message(s) still queued or in flight at the end`,
    `ERP: ${r.erp.requests} requests (${fmt(r.erp.byStatus)}), ${r.erp.retried} answered 429/503 and retried; ${r.erp.salesOrderPosts} sales order posts, ${r.erp.salesOrderDeletes} deleted after a cancellation, ${r.erp.salesOrders} held: ${r.erp.ordersPostedOnce} orders posted exactly once, ${r.erp.ordersPostedTwice} twice, ${r.erp.reservedWithoutSalesOrder} reserved without one; ${r.erp.journalDocuments} journal documents (${r.erp.journalLines} lines, from ${r.erp.journalBatchPosts} $batch requests, retries included), ${r.erp.unbalancedJournalDocuments} unbalanced, ${r.erp.journalLinesPostedTwice} lines posted twice; balance ${fmtMinor(r.erp.journalBalance)}`,
    r.reconciliation
      ? `settlement ${r.reconciliation.settlementId}: ${r.reconciliation.ordersNamed} orders named, ${r.reconciliation.matched} matched; exceptions expected ${r.reconciliation.expectedExceptions.join(', ') || 'none'}; unexpected ${r.reconciliation.unexpectedExceptions.join(', ') || 'none'}; missing ${r.reconciliation.missingExceptions.join(', ') || 'none'}`
      : '',
    `latency webhook->reserved ${pct(r.latencyMs.webhookToReserved)}; webhook->posted ${pct(r.latencyMs.webhookToPosted)}`,
    `throughput: ${r.throughput.deliveriesPerSecond} deliveries/s sent, ${r.throughput.ordersSettledPerSecond} orders/s settled; ${r.seconds.total} s in all`,
    `totals digest ${r.totalsDigest}`,
    `not simulated: ${r.notSimulated.join('; ')}`,
    r.invariantsHold
      ? 'every invariant holds: nothing lost, nothing oversold, nothing posted twice'
      : `INVARIANTS BROKEN (${r.violations.length}):\n  ${r.violations.slice(0, 30).join('\n  ')}`,
  ];
  return lines.filter(Boolean).join('\n');
}

function percentiles(values: (number | undefined)[]): Percentiles {
  const known = values.filter((v): v is number => v !== undefined).sort((a, b) => a - b);
  if (known.length === 0) return { count: 0 };
  const at = (q: number) => known[Math.min(known.length - 1, Math.floor(q * known.length))];
  return { count: known.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: known[known.length - 1] };
}

/**
 * What a failure is counted under: a consumer's reason reads `ErrorName: message`, and the name is what
 * repeats across orders (the message names the order); the availability sync's reasons are plain
 * sentences without an order in them, counted whole.
 */
export function failureCause(reason: string | undefined): string {
  if (!reason) return 'no reason recorded';
  return /^([A-Z]\w*): /.exec(reason)?.[1] ?? reason;
}

export function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

const pct = (p: Percentiles) => (p.count ? `p50 ${p.p50} ms, p90 ${p.p90} ms, p99 ${p.p99} ms (${p.count})` : 'n/a');
const fmt = (counts: Record<string, number>) =>
  Object.entries(counts)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
/** ` (queue error n, ...)`: the commonest failures first, at most five; empty when nothing failed. */
const failureCauses = (counts: Record<string, number>) => {
  const commonest = Object.entries(counts)
    .sort(([a, m], [b, n]) => n - m || a.localeCompare(b))
    .slice(0, 5);
  return commonest.length ? ` (${fmt(Object.fromEntries(commonest))})` : '';
};
const fmtMinor = (byCurrency: Record<string, number>) =>
  Object.entries(byCurrency)
    .map(([currency, minor]) => `${(minor / 100).toFixed(2)} ${currency}`)
    .join(', ');
const round = (n: number) => Number(n.toFixed(2));
const sorted = (counts: Record<string, number>) =>
  Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
