import { sampleShopifyOrder, seededRandom, type ShopifySampleItem } from '../sample/shopify-orders';
import { sampleWooCommerceOrder } from '../sample/woocommerce-orders';
import { parseDecimalMoney } from '../../shared/domain/money';

/** The faults a simulated day can include; `all` turns every one on. */
export const FAULTS = ['duplicates', 'out-of-order', 'storm', 'erp-down', 'erp-throttle', 'poison', 'flash-sale'] as const;
export type Fault = (typeof FAULTS)[number];

export interface ScenarioOptions {
  orders: number;
  stores: number;
  skus: number;
  seed: number;
  faults: readonly Fault[];
  /** Distinguishes runs that share one fabric (ids only: business totals do not depend on it). */
  runNumber?: number;
}

export type WebhookChannel = 'shopify' | 'woocommerce' | 'square';

export interface SimulatedSku {
  sku: string;
  shopifySku: string;
  variantId: number;
  wooSku: string;
  wooProductId: number;
  posItemCode: string;
  price: string;
}

/** An order the day sells online, with what the day expects of it once everything has settled. */
export interface PlannedOrder {
  index: number;
  channel: WebhookChannel;
  channelOrderId: string;
  /** `posted`: reserved and posted to the ERP once; `cancelled`: cancelled by the shop minutes after it was placed; `flash`: competes for the hot SKU. */
  expectation: 'posted' | 'cancelled' | 'flash';
  unitsBySku: Record<string, number>;
  totalMinor: number;
  currency: string;
  /** The channel payload (Shopify, WooCommerce) or, for Square, the order the Square API returns. */
  payload: Record<string, unknown>;
}

export type DeliveryKind = 'original' | 'duplicate' | 'stale-update' | 'forged' | 'cancellation' | 'poison';

/** One HTTP delivery to a channel webhook; the driver signs it. */
export interface WebhookDelivery {
  orderIndex: number;
  channel: WebhookChannel;
  kind: DeliveryKind;
  topic: string;
  /** The channel's own delivery identity (Shopify event id, Square event id); redeliveries share it. */
  deliveryId: string;
  body: string;
  /** Sent by the same sender right after this one is answered (a cancellation following its order). */
  then?: WebhookDelivery;
}

export interface PosBatch {
  storeId: string;
  businessDate: string;
  batchId: string;
  csv: string;
  /** The store was offline for hours: its batch comes after the online day. */
  late: boolean;
  /** A store re-sending a batch it already sent, overlapping the next one: nothing may count twice. */
  replay: boolean;
}

export interface Scenario {
  options: ScenarioOptions;
  skus: SimulatedSku[];
  /** The flash sale's SKU and its little stock; undefined without the fault. */
  flashSale?: { sku: string; stock: number; orders: number };
  warehouseStock: Record<string, number>;
  storeStock: Record<string, Record<string, number>>;
  orders: PlannedOrder[];
  /** In send order, in waves: the day, the storm, the flash sale, the faults that follow. */
  waves: { name: string; concurrencyFactor: number; deliveries: WebhookDelivery[] }[];
  posBatches: PosBatch[];
  /** POS units sold per store and SKU, each transaction once. */
  posUnits: Record<string, Record<string, number>>;
  /** The Square order whose notification arrives before the Square API knows it (the poison message). */
  poisonOrderIndex?: number;
}

export const WAREHOUSE = 'wh-east';
export const BUSINESS_DATE = '2026-11-23';
const SQUARE_LOCATION = 'L8RR7W3ZQ4V1B';

export function storeIds(stores: number): string[] {
  return Array.from({ length: stores }, (_, i) => `store-${String(i + 1).padStart(3, '0')}`);
}

/**
 * The inventory policy the simulated fabric runs with: one warehouse serving every channel and
 * refusing what it cannot cover, plus the stores, which sell only at their tills.
 */
export function simulationInventoryPolicy(stores: number): Record<string, unknown> {
  return {
    locations: [{ id: WAREHOUSE, name: 'East distribution centre', kind: 'warehouse' }, ...storeIds(stores).map((id) => ({ id, name: `Store ${id}`, kind: 'store' }))],
    defaultChannel: { locations: [WAREHOUSE], onShortage: 'reject', reservationTtlMinutes: 72 * 60, exposure: { bufferUnits: 0, percentOfAvailable: 100 } },
    channels: { shopify: {} },
  };
}

export function parseFaults(list: string | undefined): Fault[] {
  if (!list) return [];
  if (list === 'all') return [...FAULTS];
  return list.split(',').map((name) => {
    if (!(FAULTS as readonly string[]).includes(name)) throw new Error(`--faults: unknown fault "${name}"; use ${FAULTS.join(',')} or all`);
    return name as Fault;
  });
}

/**
 * The simulated day, from the options alone: the same options give the same orders, amounts,
 * deliveries, POS batches and expectations. Pure: no clock, no I/O (timestamps in payloads are fixed
 * to the business date, so nothing in the business totals depends on when it runs).
 */
export function buildScenario(options: ScenarioOptions): Scenario {
  const random = seededRandom(options.seed);
  const has = (fault: Fault) => options.faults.includes(fault);
  const run = options.runNumber ?? 0;
  const tag = `S${options.seed}R${run}`;
  const skuCount = Math.max(3, options.skus);
  const skus: SimulatedSku[] = Array.from({ length: skuCount }, (_, i) => {
    const n = String(i + 1).padStart(4, '0');
    return {
      sku: `SIM-${tag}-${n}`, shopifySku: `SH-${tag}-${n}`, variantId: 41_000_000_000_000 + run * 100_000 + i,
      wooSku: `WC-${tag}-${n}`, wooProductId: 500_000 + run * 10_000 + i, posItemCode: `POS-${tag}-${n}`,
      price: `${10 + (i % 7) * 3}.${i % 2 ? '50' : '00'}`,
    };
  });
  const flashSku = has('flash-sale') ? skus[skus.length - 1] : undefined;
  const regular = flashSku ? skus.slice(0, -1) : skus;
  const shopifyCatalog: ShopifySampleItem[] = regular.map((s) => ({ channelSku: s.shopifySku, title: s.sku, price: s.price, variantId: s.variantId }));

  const orders: PlannedOrder[] = [];
  const flashOrders = flashSku ? Math.max(10, Math.round(options.orders * 0.1)) : 0;
  const regularOrders = Math.max(0, options.orders - flashOrders);
  // A multiple of 12, the period of the sample payloads' customer, discount and quantity patterns:
  // runs differ in ids only, never in amounts or units.
  const idBase = (10_000 + run) * 1_200_000;
  for (let index = 0; index < regularOrders; index += 1) {
    const pick = random();
    const channelOrderNumber = idBase + index;
    if (pick < 0.6) {
      const payload = sampleShopifyOrder(channelOrderNumber, random, shopifyCatalog);
      fixShopifyTimes(payload, `${BUSINESS_DATE}T09:00:00.000Z`);
      orders.push(plan(index, 'shopify', String(payload.id), payload, linesOf(payload, 'shopify', skus), String(payload.total_price), random() < 0.05 ? 'cancelled' : 'posted'));
    } else if (pick < 0.85) {
      const chosen = [regular[Math.floor(random() * regular.length)], regular[Math.floor(random() * regular.length)]].filter((s, i, all) => all.indexOf(s) === i);
      const payload = sampleWooCommerceOrder(channelOrderNumber, new Date(`${BUSINESS_DATE}T09:00:00Z`), chosen.map((s) => ({ channelSku: s.wooSku, title: s.sku, price: s.price, productId: s.wooProductId, variationId: 0 })));
      orders.push(plan(index, 'woocommerce', String(payload.id), payload, linesOf(payload, 'woocommerce', skus), String(payload.total), 'posted'));
    } else {
      const squareId = `SIM${tag}SQ${index}`;
      const payload = squareOrder(squareId, skus[0], skus[1], index);
      orders.push(plan(index, 'square', squareId, payload, { [skus[0].sku]: 2, [skus[1].sku]: 1 }, '', 'posted'));
    }
  }
  for (let f = 0; f < flashOrders; f += 1) {
    const index = regularOrders + f;
    const payload = sampleShopifyOrder(idBase + index, () => 0, [{ channelSku: flashSku!.shopifySku, title: flashSku!.sku, price: flashSku!.price, variantId: flashSku!.variantId }]);
    fixShopifyTimes(payload, `${BUSINESS_DATE}T12:00:00.000Z`);
    orders.push(plan(index, 'shopify', String(payload.id), payload, { [flashSku!.sku]: 1 }, String(payload.total_price), 'flash'));
  }

  // The warehouse holds what the day's orders need plus a margin, so only the flash sale runs short.
  const warehouseStock: Record<string, number> = Object.fromEntries(regular.map((s) => [s.sku, 5]));
  for (const order of orders) {
    if (order.expectation === 'flash') continue;
    for (const [sku, units] of Object.entries(order.unitsBySku)) warehouseStock[sku] += units;
  }
  const flashStock = flashSku ? Math.max(3, Math.floor(flashOrders / 4)) : 0;
  if (flashSku) warehouseStock[flashSku.sku] = flashStock;

  const deliveries = orders.map((order) => originalDelivery(order, tag));
  const extras: WebhookDelivery[] = [];
  let poisonOrderIndex: number | undefined;
  for (const order of orders) {
    const original = deliveries[order.index];
    if (has('duplicates') && order.channel !== 'square' && random() < 0.3) {
      const times = 1 + Math.floor(random() * 2);
      for (let r = 0; r < times; r += 1) extras.push({ ...original, kind: 'duplicate' });
    }
    if (order.channel === 'shopify' && random() < 0.03) extras.push({ ...original, kind: 'forged' });
    if (has('out-of-order') && order.channel === 'shopify' && order.expectation !== 'flash' && random() < 0.05) {
      const stale = JSON.stringify({ ...order.payload, updated_at: '2026-11-22T08:00:00.000Z', financial_status: 'pending' });
      extras.push({ orderIndex: order.index, channel: 'shopify', kind: 'stale-update', topic: 'orders/updated', deliveryId: `sim-${tag}-stale-${order.index}`, body: stale });
    }
    if (order.expectation === 'cancelled') {
      const cancelled = JSON.stringify({ ...order.payload, updated_at: `${BUSINESS_DATE}T15:00:00.000Z`, cancelled_at: `${BUSINESS_DATE}T15:00:00.000Z`, cancel_reason: 'customer', financial_status: 'refunded' });
      original.then = ({ orderIndex: order.index, channel: 'shopify', kind: 'cancellation', topic: 'orders/cancelled', deliveryId: `sim-${tag}-cancel-${order.index}`, body: cancelled });
    }
  }
  if (has('poison')) {
    const square = orders.find((o) => o.channel === 'square');
    if (square) {
      poisonOrderIndex = square.index;
      deliveries[square.index] = { ...deliveries[square.index], kind: 'poison' };
    }
  }
  shuffle(extras, random);

  const flash = deliveries.filter((d) => orders[d.orderIndex].expectation === 'flash');
  const day = deliveries.filter((d) => orders[d.orderIndex].expectation !== 'flash');
  const stormSize = has('storm') ? Math.floor(day.length / 4) : 0;
  const waves = [
    { name: 'online day', concurrencyFactor: 1, deliveries: day.slice(0, day.length - stormSize) },
    { name: 'webhook storm', concurrencyFactor: 6, deliveries: day.slice(day.length - stormSize) },
    { name: 'flash sale', concurrencyFactor: 6, deliveries: flash },
    { name: 'redeliveries, forgeries, late updates', concurrencyFactor: 1, deliveries: extras },
  ].filter((wave) => wave.deliveries.length > 0);

  const { posBatches, posUnits, storeStock } = buildPosDay(options, skus, random);
  return {
    options, skus, warehouseStock, storeStock, orders, waves, posBatches, posUnits, poisonOrderIndex,
    ...(flashSku ? { flashSale: { sku: flashSku.sku, stock: flashStock, orders: flashOrders } } : {}),
  };

  function plan(index: number, channel: WebhookChannel, channelOrderId: string, payload: Record<string, unknown>, unitsBySku: Record<string, number>, total: string, expectation: PlannedOrder['expectation']): PlannedOrder {
    const totalMinor = channel === 'square' ? Number((payload.total_money as { amount: number }).amount) : parseDecimalMoney(total, 'USD').amountMinor;
    return { index, channel, channelOrderId, expectation, unitsBySku, totalMinor, currency: 'USD', payload };
  }
}

function originalDelivery(order: PlannedOrder, tag: string): WebhookDelivery {
  const deliveryId = `sim-${tag}-${order.channel}-${order.index}`;
  if (order.channel === 'square') {
    return { orderIndex: order.index, channel: 'square', kind: 'original', topic: 'order.updated', deliveryId, body: squareNotification(order.channelOrderId, deliveryId) };
  }
  return { orderIndex: order.index, channel: order.channel, kind: 'original', topic: order.channel === 'shopify' ? 'orders/create' : 'order.created', deliveryId, body: JSON.stringify(order.payload) };
}

function fixShopifyTimes(payload: Record<string, unknown>, at: string): void {
  payload.created_at = at;
  payload.updated_at = at;
}

function linesOf(payload: Record<string, unknown>, channel: 'shopify' | 'woocommerce', skus: SimulatedSku[]): Record<string, number> {
  const units: Record<string, number> = {};
  for (const line of payload.line_items as { sku: string; quantity: number }[]) {
    const found = skus.find((s) => (channel === 'shopify' ? s.shopifySku : s.wooSku) === line.sku)!;
    units[found.sku] = (units[found.sku] ?? 0) + line.quantity;
  }
  return units;
}

/** A Square order as RetrieveOrder returns it: integer minor units, string quantities, additive tax. */
function squareOrder(id: string, first: SimulatedSku, second: SimulatedSku, index: number): Record<string, unknown> {
  const money = (amount: number) => ({ amount, currency: 'USD' });
  const line = (uid: string, sku: SimulatedSku, quantity: number) => {
    const unit = Math.round(Number(sku.price) * 100);
    const gross = unit * quantity;
    const tax = Math.round(gross * 0.0825);
    return {
      line: {
        uid, catalog_object_id: `SQV${sku.variantId}`, name: sku.sku, quantity: String(quantity), base_price_money: money(unit),
        gross_sales_money: money(gross), total_tax_money: money(tax), total_discount_money: money(0), total_money: money(gross + tax),
        applied_taxes: [{ uid: `${uid}-tax`, tax_uid: 'state-tax', applied_money: money(tax) }],
      },
      gross, tax,
    };
  };
  const lines = [line(`L1-${index}`, first, 2), line(`L2-${index}`, second, 1)];
  const tax = lines.reduce((sum, l) => sum + l.tax, 0);
  const total = lines.reduce((sum, l) => sum + l.gross + l.tax, 0);
  const at = `${BUSINESS_DATE}T10:00:00.000Z`;
  return {
    id, location_id: SQUARE_LOCATION, state: 'OPEN', version: 2, created_at: at, updated_at: at,
    line_items: lines.map((l) => l.line),
    taxes: [{ uid: 'state-tax', name: 'State tax', percentage: '8.25', type: 'ADDITIVE', scope: 'LINE_ITEM', applied_money: money(tax) }],
    total_money: money(total), total_tax_money: money(tax), total_discount_money: money(0), total_tip_money: money(0), total_service_charge_money: money(0),
  };
}

/** Square's catalog item variation id for a simulated SKU (mapped with `variant:` in the cross-reference). */
export function squareVariationId(sku: SimulatedSku): string {
  return `SQV${sku.variantId}`;
}

function squareNotification(orderId: string, eventId: string): string {
  const at = `${BUSINESS_DATE}T10:00:00.000Z`;
  return JSON.stringify({
    merchant_id: 'MLB0M4PXGJ7GV', type: 'order.updated', event_id: eventId, created_at: at,
    data: { type: 'order', id: orderId, object: { order_updated: { created_at: at, location_id: SQUARE_LOCATION, order_id: orderId, state: 'OPEN', updated_at: at, version: 2 } } },
  });
}

/**
 * Each store's till day as CSV batches: two batches per store; the last store is offline for hours
 * and sends both late; the first store re-sends its first batch inside a second one (a replay that
 * overlaps), which must count once.
 */
function buildPosDay(options: ScenarioOptions, skus: SimulatedSku[], random: () => number): Pick<Scenario, 'posBatches' | 'posUnits' | 'storeStock'> {
  const header = 'store_id,register_id,business_day,sequence,ended_at,currency,disposition,operator_id,record_type,item_code,description,quantity,unit_price,discount,amount,reason_code,tender_method';
  const posBatches: PosBatch[] = [];
  const posUnits: Record<string, Record<string, number>> = {};
  const storeStock: Record<string, Record<string, number>> = {};
  const ids = storeIds(options.stores);
  const perStore = Math.max(4, Math.round(options.orders / Math.max(1, options.stores) / 2));
  const run = options.runNumber ?? 0;
  ids.forEach((storeId, s) => {
    posUnits[storeId] = {};
    const transactions: string[][] = [];
    for (let t = 0; t < perStore; t += 1) {
      const sequence = 1000 + t;
      const sku = skus[Math.floor(random() * skus.length)];
      const quantity = 1 + Math.floor(random() * 2);
      const unit = Math.round(Number(sku.price) * 100);
      const amount = unit * quantity;
      const tax = Math.round(amount * 0.08);
      const minute = String(t % 60).padStart(2, '0');
      const hour = String(9 + Math.floor(t / 60) % 10).padStart(2, '0');
      const common = `${storeId},R${1 + (run % 9)},${BUSINESS_DATE},${sequence},${BUSINESS_DATE}T${hour}:${minute}:00-05:00,USD,completed,op-1`;
      transactions.push([
        `${common},sale,${sku.posItemCode},${sku.sku},${quantity},${(unit / 100).toFixed(2)},,${(amount / 100).toFixed(2)},,`,
        `${common},tax,,,,,,${(tax / 100).toFixed(2)},,`,
        `${common},tender,,,,,,${((amount + tax) / 100).toFixed(2)},,card`,
      ]);
      posUnits[storeId][sku.sku] = (posUnits[storeId][sku.sku] ?? 0) + quantity;
    }
    storeStock[storeId] = Object.fromEntries(skus.map((sku) => [sku.sku, (posUnits[storeId][sku.sku] ?? 0) + 3]));
    const half = Math.ceil(transactions.length / 2);
    const late = s === ids.length - 1 && ids.length > 1;
    const csv = (part: string[][]) => `${[header, ...part.flat()].join('\n')}\n`;
    posBatches.push({ storeId, businessDate: BUSINESS_DATE, batchId: `r${run}-b1`, csv: csv(transactions.slice(0, half)), late, replay: false });
    // The first store's second upload carries its first batch again (the till re-sent what it was unsure of).
    const second = s === 0 ? transactions : transactions.slice(half);
    posBatches.push({ storeId, businessDate: BUSINESS_DATE, batchId: `r${run}-b2`, csv: csv(second), late, replay: s === 0 });
  });
  return { posBatches, posUnits, storeStock };
}

function shuffle<T>(items: T[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
}
