import { createHash } from 'node:crypto';
import { WAREHOUSE, type DeliveryKind, type Scenario, type WebhookChannel } from './scenario';

/** What the driver read back from the fabric once the day settled. */
export interface Observations {
  answers: { kind: DeliveryKind; channel: WebhookChannel; status: number; duplicate: boolean }[];
  orders: { index: number; orderId: string; state: string; erpSalesOrders: number; reservedMs?: number; postedMs?: number }[];
  stock: { sku: string; locations: { locationId: string; onHand: number; reserved: number; availableToSell: number }[] }[];
  inventoryVerified: boolean;
  inventoryDrift: number;
  erpRequests: { total: number; byStatus: Record<string, number> };
  erpJournalLines: { documentNumber: string; amount: number }[];
  dlq: { atStart: number; beforeRedrive: number; byRuleBeforeRedrive: Record<string, number>; redriven: number; afterRedrive: number; stillQueued: number };
  seconds: { sending: number; total: number };
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
  units: { orderedOnline: number; reservedAtWarehouse: number; stockReceivedAtWarehouse: number; oversold: number; soldInStores: number };
  inventoryLedgerAgrees: boolean;
  deadLetters: Observations['dlq'];
  erp: { requests: number; byStatus: Record<string, number>; salesOrders: number; ordersPostedOnce: number; ordersPostedTwice: number; reservedWithoutSalesOrder: number; journalDocuments: number; unbalancedJournalDocuments: number };
  latencyMs: { webhookToReserved: Percentiles; webhookToPosted: Percentiles };
  throughput: { deliveriesPerSecond: number; ordersSettledPerSecond: number };
  seconds: Observations['seconds'];
  /** SHA-256 of the business totals (orders by state and channel, units, amounts): the same seed gives the same digest. */
  totalsDigest: string;
  invariantsHold: boolean;
  violations: string[];
  notSimulated: string[];
}

interface Percentiles { count: number; p50?: number; p90?: number; p99?: number; max?: number }

/**
 * Checks every invariant of the day against what the fabric shows, and summarises it. Pure.
 * Invariants: each first delivery accepted, each redelivery answered as a duplicate, each forgery
 * refused; every order where the day expects it; no warehouse or store position with reserved above
 * on hand or available-to-sell below zero; the units reserved equal the live orders' units; ledger,
 * positions and reservations agree; each posted order has exactly one ERP sales order and no order
 * has more; each ERP journal document balances; store stock moved by the till sales once; no message
 * left in a DLQ after the redrive.
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
  if (suppressed !== duplicates.length) violations.push(`${duplicates.length - suppressed} redeliveries were not answered as duplicates`);
  const forged = kinds('forged');
  const refused = forged.filter((a) => a.status === 401).length;
  if (refused !== forged.length) violations.push(`${forged.length - refused} forged deliveries were not refused with 401`);
  if (seen.orders.length !== scenario.orders.length) violations.push(`${scenario.orders.length - seen.orders.length} orders got no order id`);

  const ordersByState: Record<string, number> = {};
  const ordersByChannel: Record<string, number> = {};
  const liveUnits: Record<string, number> = {};
  let businessTotal = 0;
  let flashWon = 0;
  let postedOnce = 0;
  let postedTwice = 0;
  let reservedWithoutSalesOrder = 0;
  for (const order of seen.orders) {
    const planned = scenario.orders[order.index];
    ordersByState[order.state] = (ordersByState[order.state] ?? 0) + 1;
    ordersByChannel[planned.channel] = (ordersByChannel[planned.channel] ?? 0) + 1;
    businessTotal += planned.totalMinor;
    const expected = planned.expectation === 'posted' ? ['posted_to_erp'] : planned.expectation === 'cancelled' ? ['cancelled'] : ['posted_to_erp', 'cancelled'];
    if (!expected.includes(order.state)) violations.push(`${order.orderId} (${planned.channel} ${planned.channelOrderId}) ended ${order.state}, expected ${expected.join(' or ')}`);
    if (order.state === 'posted_to_erp' || order.state === 'reserved') for (const [sku, units] of Object.entries(planned.unitsBySku)) liveUnits[sku] = (liveUnits[sku] ?? 0) + units;
    if (planned.expectation === 'flash' && order.state === 'posted_to_erp') flashWon += 1;
    if (order.erpSalesOrders > 1) {
      postedTwice += 1;
      violations.push(`${order.orderId} has ${order.erpSalesOrders} ERP sales orders`);
    }
    const wasReserved = order.state === 'posted_to_erp';
    if (wasReserved && order.erpSalesOrders === 1) postedOnce += 1;
    if ((wasReserved || order.state === 'reserved') && order.erpSalesOrders === 0) {
      reservedWithoutSalesOrder += 1;
      violations.push(`${order.orderId} was reserved but has no ERP sales order`);
    }
    if (order.state === 'cancelled' && order.erpSalesOrders > 0) violations.push(`${order.orderId} was cancelled but the ERP still holds its sales order`);
    else if (!wasReserved && order.erpSalesOrders > 0) violations.push(`${order.orderId} was never reserved but has an ERP sales order`);
  }

  let oversold = 0;
  let reservedAtWarehouse = 0;
  for (const { sku, locations } of seen.stock) {
    for (const l of locations) {
      const over = Math.max(0, l.reserved - l.onHand, -l.availableToSell);
      if (over > 0) violations.push(`${sku} at ${l.locationId}: reserved ${l.reserved} of ${l.onHand} on hand, ${l.availableToSell} available`);
      oversold += over;
    }
    const warehouse = locations.find((l) => l.locationId === WAREHOUSE);
    reservedAtWarehouse += warehouse?.reserved ?? 0;
    if ((warehouse?.reserved ?? 0) !== (liveUnits[sku] ?? 0)) violations.push(`${sku}: ${warehouse?.reserved ?? 0} units reserved at ${WAREHOUSE}, live orders hold ${liveUnits[sku] ?? 0}`);
    for (const [storeId, stock] of Object.entries(scenario.storeStock)) {
      const onHand = locations.find((l) => l.locationId === storeId)?.onHand ?? 0;
      const expected = stock[sku] - (scenario.posUnits[storeId][sku] ?? 0);
      if (onHand !== expected) violations.push(`${sku} at ${storeId}: on hand ${onHand}, expected ${expected} after the till sales counted once`);
    }
  }
  if (!seen.inventoryVerified) violations.push(`inventory ledger, positions and reservations disagree in ${seen.inventoryDrift} place(s)`);
  if (scenario.flashSale && flashWon > scenario.flashSale.stock) violations.push(`flash sale: ${flashWon} orders won ${scenario.flashSale.stock} units`);
  if (seen.dlq.stillQueued > 0) violations.push(`${seen.dlq.stillQueued} message(s) still queued or in flight when the run gave up waiting`);
  if (seen.dlq.afterRedrive > 0) violations.push(`${seen.dlq.afterRedrive} message(s) still in DLQs after the redrive`);
  if (scenario.poisonOrderIndex !== undefined && seen.dlq.beforeRedrive === 0) violations.push('the poison message never reached a DLQ');

  const journal = new Map<string, number>();
  for (const line of seen.erpJournalLines) journal.set(line.documentNumber, (journal.get(line.documentNumber) ?? 0) + Math.round(line.amount * 100));
  const unbalanced = [...journal.values()].filter((sum) => sum !== 0).length;
  if (unbalanced) violations.push(`${unbalanced} ERP journal document(s) do not balance`);

  const soldInStores = Object.values(scenario.posUnits).flatMap((skus) => Object.values(skus)).reduce((a, b) => a + b, 0);
  const orderedOnline = scenario.orders.flatMap((o) => Object.values(o.unitsBySku)).reduce((a, b) => a + b, 0);
  const stockReceived = Object.values(scenario.warehouseStock).reduce((a, b) => a + b, 0);
  const skuPosition = new Map(scenario.skus.map((s, i) => [s.sku, i]));
  const totals = {
    ordersByState: sorted(ordersByState), ordersByChannel: sorted(ordersByChannel), businessTotalMinor: businessTotal,
    reservedBySku: seen.stock.map((s) => [skuPosition.get(s.sku), s.locations.find((l) => l.locationId === WAREHOUSE)?.reserved ?? 0]),
    onHandByLocation: seen.stock.map((s) => [skuPosition.get(s.sku), s.locations.map((l) => [l.locationId, l.onHand]).sort()]),
    flashWon, soldInStores, orderedOnline,
  };
  const report: SimulationReport = {
    seed: scenario.options.seed, orders: scenario.orders.length, stores: scenario.options.stores, skus: scenario.skus.length, faults: [...scenario.options.faults],
    deliveries, duplicatesSuppressed: suppressed, forgeriesRefused: refused,
    ordersByState: sorted(ordersByState), ordersByChannel: sorted(ordersByChannel), businessTotalMinor: { USD: businessTotal },
    ...(scenario.flashSale ? { flashSale: { ...scenario.flashSale, won: flashWon } } : {}),
    units: { orderedOnline, reservedAtWarehouse, stockReceivedAtWarehouse: stockReceived, oversold, soldInStores },
    inventoryLedgerAgrees: seen.inventoryVerified,
    deadLetters: seen.dlq,
    erp: {
      requests: seen.erpRequests.total, byStatus: seen.erpRequests.byStatus, salesOrders: seen.orders.reduce((sum, o) => sum + o.erpSalesOrders, 0),
      ordersPostedOnce: postedOnce, ordersPostedTwice: postedTwice, reservedWithoutSalesOrder, journalDocuments: journal.size, unbalancedJournalDocuments: unbalanced,
    },
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
      'shipments: the fabric has no shipment interface of its own (ShipmentConfirmed arrives only on the event bus), so none are sent',
      'settlement report: not uploaded',
      'Amazon and eBay orders: only the webhook channels (Shopify, WooCommerce, Square) are driven',
    ],
  };
  return report;
}

/** The human summary printed at the end of a run. */
export function formatSummary(report: SimulationReport): string {
  const lines = [
    '',
    `simulated day: ${report.orders} online orders, ${report.stores} stores, ${report.skus} SKUs, seed ${report.seed}, faults ${report.faults.join(',') || 'none'}`,
    `deliveries: ${Object.entries(report.deliveries).map(([kind, byStatus]) => `${kind} ${Object.entries(byStatus).map(([s, n]) => `${n}x${s}`).join('/')}`).join(', ')}`,
    `duplicates suppressed ${report.duplicatesSuppressed}, forgeries refused ${report.forgeriesRefused}`,
    `orders by state: ${fmt(report.ordersByState)}; by channel: ${fmt(report.ordersByChannel)}; total ${(report.businessTotalMinor.USD / 100).toFixed(2)} USD`,
    report.flashSale ? `flash sale on ${report.flashSale.sku}: ${report.flashSale.orders} orders for ${report.flashSale.stock} units, ${report.flashSale.won} won` : '',
    `units: ${report.units.orderedOnline} ordered online, ${report.units.reservedAtWarehouse} reserved at ${WAREHOUSE} of ${report.units.stockReceivedAtWarehouse} received, oversold ${report.units.oversold}; ${report.units.soldInStores} sold at the tills; ledger ${report.inventoryLedgerAgrees ? 'agrees' : 'DISAGREES'}`,
    `DLQ depth: ${report.deadLetters.beforeRedrive} before the redrive (${fmt(report.deadLetters.byRuleBeforeRedrive) || 'none'}), ${report.deadLetters.redriven} redriven, ${report.deadLetters.afterRedrive} after; ${report.deadLetters.stillQueued} message(s) still queued or in flight at the end`,
    `ERP: ${report.erp.requests} requests (${fmt(report.erp.byStatus)}), ${report.erp.salesOrders} sales orders, ${report.erp.ordersPostedOnce} orders posted exactly once, ${report.erp.ordersPostedTwice} twice, ${report.erp.reservedWithoutSalesOrder} reserved without one; ${report.erp.journalDocuments} journal documents, ${report.erp.unbalancedJournalDocuments} unbalanced`,
    `latency webhook->reserved ${pct(report.latencyMs.webhookToReserved)}; webhook->posted ${pct(report.latencyMs.webhookToPosted)}`,
    `throughput: ${report.throughput.deliveriesPerSecond} deliveries/s sent, ${report.throughput.ordersSettledPerSecond} orders/s settled; ${report.seconds.total} s in all`,
    `totals digest ${report.totalsDigest}`,
    `not simulated: ${report.notSimulated.join('; ')}`,
    report.invariantsHold ? 'every invariant holds: nothing lost, nothing oversold, nothing posted twice' : `INVARIANTS BROKEN (${report.violations.length}):\n  ${report.violations.slice(0, 30).join('\n  ')}`,
  ];
  return lines.filter(Boolean).join('\n');
}

function percentiles(values: (number | undefined)[]): Percentiles {
  const known = values.filter((v): v is number => v !== undefined).sort((a, b) => a - b);
  if (known.length === 0) return { count: 0 };
  const at = (q: number) => known[Math.min(known.length - 1, Math.floor(q * known.length))];
  return { count: known.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: known[known.length - 1] };
}

const pct = (p: Percentiles) => (p.count ? `p50 ${p.p50} ms, p90 ${p.p90} ms, p99 ${p.p99} ms (${p.count})` : 'n/a');
const fmt = (counts: Record<string, number>) => Object.entries(counts).map(([k, n]) => `${k} ${n}`).join(', ');
const round = (n: number) => Number(n.toFixed(2));
const sorted = (counts: Record<string, number>) => Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
