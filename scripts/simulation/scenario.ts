import { sampleShopifyOrder, seededRandom, type ShopifySampleItem } from '../sample/shopify-orders';
import { sampleWooCommerceOrder } from '../sample/woocommerce-orders';
import { parseDecimalMoney } from '#domain/kernel/money';
import { orderIdFor } from '#domain/kernel/order';
import { planFulfilment, type PlannedShipment, type PlannedStoreReturn } from './fulfilment-plan';
import {
  buildAmazonOrder,
  buildEbayOrder,
  buildWalmartOrder,
  type MarketplaceChannel,
  type MarketplaceLine,
  type MarketplaceOrderExpectation,
} from './marketplace-orders';
import { shopifyPayout, type PlannedSettlement } from './settlement-plan';
import {
  BUSINESS_DATE,
  SQUARE_TILL_LOCATION,
  buildStoreDay,
  shopifyLocationId,
  storeIds,
  usd,
  type PosBatch,
  type PlannedTransfer,
  type SquareTillSale,
} from './store-day';

export { BUSINESS_DATE, storeIds };

/** The faults a simulated day can include; `all` turns every one on. */
export const FAULTS = [
  'duplicates',
  'out-of-order',
  'storm',
  'erp-down',
  'erp-throttle',
  'erp-slow',
  'poison',
  'flash-sale',
  'missed-webhooks',
] as const;
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

/** Every channel the day sells through; how each reaches the fabric is its delivery's route. */
export type SimulatedChannel = 'shopify' | 'woocommerce' | 'square' | MarketplaceChannel;

/**
 * The day's channel mix, as shares of the orders. Amazon's is small on purpose: SP-API grants getOrder
 * and getOrderItems half a request a second each, so a compressed day can fetch only so many.
 */
const CHANNEL_MIX: readonly [SimulatedChannel, number][] = [
  ['shopify', 0.47],
  ['woocommerce', 0.2],
  ['square', 0.1],
  ['walmart', 0.1],
  ['ebay', 0.1],
  ['amazon', 0.03],
];

export interface SimulatedSku {
  sku: string;
  shopifySku: string;
  variantId: number;
  wooSku: string;
  wooProductId: number;
  /** The seller SKUs the marketplaces list it under. */
  marketplaceSkus: Record<MarketplaceChannel, string>;
  posItemCode: string;
  /** The shelf price, as the channels' payloads state it, and in cents. */
  price: string;
  priceMinor: number;
}

/** An order the day sells online, with what the day expects of it once everything has settled. */
export interface PlannedOrder {
  index: number;
  channel: SimulatedChannel;
  channelOrderId: string;
  /** The fabric's id for it (derived from channel and channel order id, as intake derives it). */
  orderId: string;
  /** `posted`: reserved and posted to the ERP once; `cancelled`: cancelled by the shop minutes after it was placed; `flash`: competes for the hot SKU. */
  expectation: 'posted' | 'cancelled' | 'flash';
  unitsBySku: Record<string, number>;
  totalMinor: number;
  currency: string;
  /** The webhook payload (Shopify, WooCommerce), or the order the channel's API returns when the fabric fetches or pulls it. */
  payload: Record<string, unknown>;
  /** The channel's own line ids and quantities, as its fulfilment and refund endpoints know them. */
  channelLines: { lineId: string; quantity: number }[];
  /** What the warehouse ships of it today, once the ERP holds it (see fulfilment-plan.ts). */
  shipments: PlannedShipment[];
  storeReturn?: PlannedStoreReturn;
  /** What a thin-notification marketplace sends (Walmart's webhook body, Amazon's SQS message). */
  notification?: string;
}

/** `missed`: the channel never calls (a dropped webhook or notification); the order waits in its API for the catch-up. */
export type DeliveryKind =
  | 'original'
  | 'duplicate'
  | 'stale-update'
  | 'forged'
  | 'cancellation'
  | 'poison'
  | 'missed'
  /** A Square notification of a store's till sale: a store transaction, no online order (orderIndex -1). */
  | 'till-sale';

/**
 * How the channel tells the fabric: a signed webhook (the driver signs it), a message on the fabric's
 * notification queue (Amazon SP-API writes to SQS), or nothing at all: the order waits in the channel's
 * API for the fabric's poller (eBay).
 */
export type DeliveryRoute = 'webhook' | 'queue' | 'pull';

/** One delivery of an order, or of news about it, from its channel. */
export interface ChannelDelivery {
  orderIndex: number;
  channel: SimulatedChannel;
  route: DeliveryRoute;
  kind: DeliveryKind;
  topic: string;
  /** The channel's own delivery identity (Shopify event id, Square event id); redeliveries share it. */
  deliveryId: string;
  body: string;
  /** Sent by the same sender right after this one is answered (a cancellation following its order). */
  followedBy?: ChannelDelivery;
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
  waves: { name: string; concurrencyFactor: number; deliveries: ChannelDelivery[] }[];
  posBatches: PosBatch[];
  /** Sales on the first store's Square till, each with the Square notifications announcing it. */
  squareTillSales: (SquareTillSale & { notifications: ChannelDelivery[] })[];
  /** The stores' evening batches with the returns of online orders; sent once those orders shipped. */
  returnBatches: PosBatch[];
  /** POS units sold per store and SKU, each transaction once. */
  posUnits: Record<string, Record<string, number>>;
  /** Replenishment from the warehouse to the stores during the day. */
  transfers: PlannedTransfer[];
  /** The payout that closes the day, with the exceptions it must raise. */
  settlement?: PlannedSettlement;
  /** The Square order whose notification arrives before the Square API knows it (the poison message). */
  poisonOrderIndex?: number;
}

export const WAREHOUSE = 'wh-east';
const SQUARE_LOCATION = 'L8RR7W3ZQ4V1B';

/**
 * The inventory policy the simulated fabric runs with: one warehouse serving every channel and
 * refusing what it cannot cover (Square's online orders wait for it instead), plus the stores, which
 * sell at their tills and, where the day's sourcing rules say so, hold pickups and ship orders (each
 * known to Shopify by its location id); stock published to Shopify, Walmart and Square.
 */
export function simulationInventoryPolicy(stores: number): Record<string, unknown> {
  return {
    locations: [
      { id: WAREHOUSE, name: 'East distribution centre', kind: 'warehouse' },
      ...storeIds(stores).map((id) => ({
        id,
        name: `Store ${id}`,
        kind: 'store',
        channelLocationIds: { shopify: shopifyLocationId(id) },
      })),
    ],
    defaultChannel: {
      locations: [WAREHOUSE],
      onShortage: 'reject',
      reservationTtlMinutes: 72 * 60,
      exposure: { bufferUnits: 0, percentOfAvailable: 100 },
    },
    channels: {
      ...Object.fromEntries(PUBLISHED_CHANNELS.map((channel) => [channel, {}])),
      // Square's online orders wait for stock rather than be refused (the day's backorder).
      square: { onShortage: 'backorder' },
    },
  };
}

/** The channels the simulated fabric publishes stock to, whose listings the day checks against the fabric's figures. */
export const PUBLISHED_CHANNELS = ['shopify', 'walmart', 'square'] as const;

export function parseFaults(list: string | undefined): Fault[] {
  if (!list) return [];
  if (list === 'all') return [...FAULTS];
  return list.split(',').map((name) => {
    if (!(FAULTS as readonly string[]).includes(name))
      throw new Error(`--faults: unknown fault "${name}"; use ${FAULTS.join(',')} or all`);
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
    const priceMinor = (10 + (i % 7) * 3) * 100 + (i % 2 ? 50 : 0);
    return {
      sku: `SIM-${tag}-${n}`,
      shopifySku: `SH-${tag}-${n}`,
      variantId: 41_000_000_000_000 + run * 100_000 + i,
      wooSku: `WC-${tag}-${n}`,
      wooProductId: 500_000 + run * 10_000 + i,
      posItemCode: `POS-${tag}-${n}`,
      marketplaceSkus: { amazon: `AMZ-${tag}-${n}`, ebay: `EB-${tag}-${n}`, walmart: `WM-${tag}-${n}` },
      price: usd(priceMinor),
      priceMinor,
    };
  });
  const flashSku = has('flash-sale') ? skus[skus.length - 1] : undefined;
  const regular = flashSku ? skus.slice(0, -1) : skus;
  const shopifyCatalog: ShopifySampleItem[] = regular.map((s) => ({
    channelSku: s.shopifySku,
    title: s.sku,
    price: s.price,
    variantId: s.variantId,
  }));

  const orders: PlannedOrder[] = [];
  const flashOrders = flashSku ? Math.max(10, Math.round(options.orders * 0.1)) : 0;
  const regularOrders = Math.max(0, options.orders - flashOrders);
  // A multiple of 12, the period of the sample payloads' customer, discount and quantity patterns:
  // runs differ in ids only, never in amounts or units.
  const idBase = (10_000 + run) * 1_200_000;
  for (let index = 0; index < regularOrders; index += 1) {
    // Every channel sells at least once, however small the day; then the mix decides.
    const channel = index < CHANNEL_MIX.length ? CHANNEL_MIX[index][0] : pickChannel(random());
    const channelOrderNumber = idBase + index;
    if (channel === 'shopify') {
      const payload = sampleShopifyOrder(channelOrderNumber, random, shopifyCatalog);
      fixShopifyTimes(payload, `${BUSINESS_DATE}T09:00:00.000Z`);
      orders.push(
        plan(
          index,
          'shopify',
          String(payload.id),
          payload,
          linesOf(payload, 'shopify', skus),
          String(payload.total_price),
          random() < 0.05 ? 'cancelled' : 'posted',
        ),
      );
    } else if (channel === 'woocommerce') {
      const chosen = [
        regular[Math.floor(random() * regular.length)],
        regular[Math.floor(random() * regular.length)],
      ].filter((s, i, all) => all.indexOf(s) === i);
      const payload = sampleWooCommerceOrder(
        channelOrderNumber,
        new Date(`${BUSINESS_DATE}T09:00:00Z`),
        chosen.map((s) => ({
          channelSku: s.wooSku,
          title: s.sku,
          price: s.price,
          productId: s.wooProductId,
          variationId: 0,
        })),
      );
      orders.push(
        plan(
          index,
          'woocommerce',
          String(payload.id),
          payload,
          linesOf(payload, 'woocommerce', skus),
          String(payload.total),
          'posted',
        ),
      );
    } else if (channel === 'square') {
      const squareId = `SIM${tag}SQ${index}`;
      const payload = squareOrder(squareId, skus[0], skus[1], index);
      orders.push(plan(index, 'square', squareId, payload, { [skus[0].sku]: 2, [skus[1].sku]: 1 }, '', 'posted'));
    } else {
      orders.push(marketplaceOrder(index, channel, regular, { seed: options.seed, run, index }, random));
    }
  }
  for (let f = 0; f < flashOrders; f += 1) {
    const index = regularOrders + f;
    const payload = sampleShopifyOrder(idBase + index, () => 0, [
      {
        channelSku: flashSku!.shopifySku,
        title: flashSku!.sku,
        price: flashSku!.price,
        variantId: flashSku!.variantId,
      },
    ]);
    fixShopifyTimes(payload, `${BUSINESS_DATE}T12:00:00.000Z`);
    orders.push(
      plan(index, 'shopify', String(payload.id), payload, { [flashSku!.sku]: 1 }, String(payload.total_price), 'flash'),
    );
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
  const extras: ChannelDelivery[] = [];
  let poisonOrderIndex: number | undefined;
  for (const order of orders) {
    const original = deliveries[order.index];
    // Square and eBay redeliver nothing the day can tell apart: Square's event ids are per attempt here, and eBay is pulled.
    if (has('duplicates') && order.channel !== 'square' && order.channel !== 'ebay' && random() < 0.3) {
      const times = 1 + Math.floor(random() * 2);
      for (let r = 0; r < times; r += 1) extras.push({ ...original, kind: 'duplicate' });
    }
    if (order.channel === 'shopify' && random() < 0.03) extras.push({ ...original, kind: 'forged' });
    if (has('out-of-order') && order.channel === 'shopify' && order.expectation !== 'flash' && random() < 0.05) {
      const stale = JSON.stringify({
        ...order.payload,
        updated_at: '2026-11-22T08:00:00.000Z',
        financial_status: 'pending',
      });
      extras.push({
        orderIndex: order.index,
        channel: 'shopify',
        route: 'webhook',
        kind: 'stale-update',
        topic: 'orders/updated',
        deliveryId: `sim-${tag}-stale-${order.index}`,
        body: stale,
      });
    }
    if (order.expectation === 'cancelled') {
      const cancelled = JSON.stringify({
        ...order.payload,
        updated_at: `${BUSINESS_DATE}T15:00:00.000Z`,
        cancelled_at: `${BUSINESS_DATE}T15:00:00.000Z`,
        cancel_reason: 'customer',
        financial_status: 'refunded',
      });
      original.followedBy = {
        orderIndex: order.index,
        channel: 'shopify',
        route: 'webhook',
        kind: 'cancellation',
        topic: 'orders/cancelled',
        deliveryId: `sim-${tag}-cancel-${order.index}`,
        body: cancelled,
      };
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
  if (has('missed-webhooks'))
    missNotifications(orders, deliveries, extras, seededRandom(options.seed * 7919 + run + 1));

  const flash = deliveries.filter((d) => orders[d.orderIndex].expectation === 'flash');
  const day = deliveries.filter((d) => orders[d.orderIndex].expectation !== 'flash');
  const stormSize = has('storm') ? Math.floor(day.length / 4) : 0;
  const waves = [
    { name: 'online day', concurrencyFactor: 1, deliveries: day.slice(0, day.length - stormSize) },
    { name: 'webhook storm', concurrencyFactor: 6, deliveries: day.slice(day.length - stormSize) },
    { name: 'flash sale', concurrencyFactor: 6, deliveries: flash },
    { name: 'redeliveries, forgeries, late updates', concurrencyFactor: 1, deliveries: extras },
  ].filter((wave) => wave.deliveries.length > 0);

  planFulfilment(orders, storeIds(options.stores), tag, random);
  const { squareTillSales, posBatches, returnBatches, posUnits, storeStock, transfers } = buildStoreDay(
    options,
    skus,
    regular,
    orders,
    random,
  );
  // What the warehouse sends the stores comes on top of what the orders need, so no order waits for it
  // (and never the flash sale's SKU, whose few units the orders race for).
  for (const transfer of transfers) warehouseStock[transfer.sku] += transfer.quantity;
  const settlement = shopifyPayout(orders, 700_000_000 + options.seed * 1_000 + run, '2026-11-24');
  return {
    options,
    skus,
    warehouseStock,
    storeStock,
    orders,
    waves,
    posBatches,
    // Square tells of each till sale twice (order.created, then order.updated): it must apply once.
    squareTillSales: squareTillSales.map((sale) => ({
      ...sale,
      notifications: ['created', 'updated'].map((what): ChannelDelivery => {
        const deliveryId = `sim-${tag}-till-${sale.squareOrderId}-${what}`;
        return {
          orderIndex: -1,
          channel: 'square',
          route: 'webhook',
          kind: 'till-sale',
          topic: `order.${what}`,
          deliveryId,
          body: squareNotification(sale.squareOrderId, deliveryId, SQUARE_TILL_LOCATION),
        };
      }),
    })),
    returnBatches,
    posUnits,
    transfers,
    poisonOrderIndex,
    ...(settlement ? { settlement } : {}),
    ...(flashSku ? { flashSale: { sku: flashSku.sku, stock: flashStock, orders: flashOrders } } : {}),
  };

  function plan(
    index: number,
    channel: 'shopify' | 'woocommerce' | 'square',
    channelOrderId: string,
    payload: Record<string, unknown>,
    unitsBySku: Record<string, number>,
    total: string,
    expectation: PlannedOrder['expectation'],
  ): PlannedOrder {
    const totalMinor =
      channel === 'square'
        ? Number((payload.total_money as { amount: number }).amount)
        : parseDecimalMoney(total, 'USD').amountMinor;
    const lines = (
      channel === 'square'
        ? (payload.line_items as { uid: string; quantity: string }[])
        : (payload.line_items as { id: number; quantity: number }[])
    ).map((line) =>
      'uid' in line
        ? { lineId: line.uid, quantity: Number(line.quantity) }
        : { lineId: String(line.id), quantity: line.quantity },
    );
    return {
      index,
      channel,
      channelOrderId,
      orderId: orderIdFor(channel, channelOrderId),
      expectation,
      unitsBySku,
      totalMinor,
      currency: 'USD',
      payload,
      channelLines: lines,
      shipments: [],
    };
  }
}

/** The share of each notifying channel's orders whose webhook or notification never comes. */
const MISSED_SHARE = 0.1;

/**
 * Drops the first notification of orders on every channel that notifies (the first order of each,
 * then a share), as a channel does that disables a failing subscription or loses a delivery: nothing
 * is sent, and the order is found only by the catch-up pull. Left alone: eBay (pulled anyway), the
 * poison message, orders with a later delivery (a redelivery or a cancellation would announce them)
 * and the flash sale, whose stock race the day checks on its own.
 */
function missNotifications(
  orders: readonly PlannedOrder[],
  deliveries: ChannelDelivery[],
  extras: readonly ChannelDelivery[],
  random: () => number,
): void {
  const announcedLater = new Set(extras.map((extra) => extra.orderIndex));
  const missedOn = new Set<SimulatedChannel>();
  for (const order of orders) {
    const delivery = deliveries[order.index];
    if (
      delivery.route === 'pull' ||
      delivery.kind !== 'original' ||
      delivery.followedBy ||
      order.expectation !== 'posted' ||
      announcedLater.has(order.index)
    )
      continue;
    if (missedOn.has(order.channel) && random() >= MISSED_SHARE) continue;
    missedOn.add(order.channel);
    deliveries[order.index] = { ...delivery, kind: 'missed' };
  }
}

export function originalDelivery(order: PlannedOrder, tag: string): ChannelDelivery {
  const deliveryId = `sim-${tag}-${order.channel}-${order.index}`;
  const common = { orderIndex: order.index, channel: order.channel, kind: 'original' as const, deliveryId };
  switch (order.channel) {
    case 'square':
      return {
        ...common,
        route: 'webhook',
        topic: 'order.updated',
        body: squareNotification(order.channelOrderId, deliveryId),
      };
    case 'walmart':
    case 'amazon':
      return {
        ...common,
        route: order.channel === 'amazon' ? 'queue' : 'webhook',
        topic: 'order.created',
        body: order.notification!,
      };
    case 'ebay':
      return { ...common, route: 'pull', topic: 'order.created', body: JSON.stringify(order.payload) };
    default:
      return {
        ...common,
        route: 'webhook',
        topic: order.channel === 'shopify' ? 'orders/create' : 'order.created',
        body: JSON.stringify(order.payload),
      };
  }
}

function pickChannel(pick: number): SimulatedChannel {
  let cumulative = 0;
  for (const [channel, share] of CHANNEL_MIX) {
    cumulative += share;
    if (pick < cumulative) return channel;
  }
  return CHANNEL_MIX[0][0];
}

/**
 * An Amazon, eBay or Walmart order of one or two of the regular SKUs (marketplace-orders.ts builds
 * the payloads the channel's API returns and what the channel sends).
 */
function marketplaceOrder(
  index: number,
  channel: MarketplaceChannel,
  regular: readonly SimulatedSku[],
  ref: { seed: number; run: number; index: number },
  random: () => number,
): PlannedOrder {
  const chosen = [regular[Math.floor(random() * regular.length)], regular[Math.floor(random() * regular.length)]]
    .filter((s, i, all) => all.indexOf(s) === i)
    .slice(0, 1 + Math.floor(random() * 2));
  const lines: MarketplaceLine[] = chosen.map((s) => ({
    channelSku: s.marketplaceSkus[channel],
    title: s.sku,
    unitPriceMinor: s.priceMinor,
    quantity: 1 + Math.floor(random() * 2),
  }));
  const request = { ref, placedAt: `${BUSINESS_DATE}T11:00:00.000Z`, lines };
  const built: MarketplaceOrderExpectation<MarketplaceChannel> & {
    apiOrder: Record<string, unknown>;
    notification?: string;
  } =
    channel === 'amazon'
      ? buildAmazonOrder(request)
      : channel === 'ebay'
        ? buildEbayOrder(request)
        : buildWalmartOrder(request);
  const skuOf = (channelSku: string) => chosen.find((s) => s.marketplaceSkus[channel] === channelSku)!.sku;
  const channelLines =
    channel === 'amazon'
      ? (built.apiOrder.items as { OrderItemId: string; QuantityOrdered: number }[]).map((item) => ({
          lineId: item.OrderItemId,
          quantity: item.QuantityOrdered,
        }))
      : channel === 'ebay'
        ? (built.apiOrder.lineItems as { lineItemId: string; quantity: number }[]).map((item) => ({
            lineId: item.lineItemId,
            quantity: item.quantity,
          }))
        : (
            built.apiOrder.orderLines as {
              orderLine: { lineNumber: string; orderLineQuantity: { amount: string } }[];
            }
          ).orderLine.map((line) => ({ lineId: line.lineNumber, quantity: Number(line.orderLineQuantity.amount) }));
  return {
    index,
    channel,
    channelOrderId: built.channelOrderId,
    orderId: orderIdFor(channel, built.channelOrderId),
    expectation: 'posted',
    unitsBySku: Object.fromEntries(
      Object.entries(built.unitsByChannelSku).map(([channelSku, units]) => [skuOf(channelSku), units]),
    ),
    totalMinor: built.totalMinor,
    currency: built.currency,
    payload: built.apiOrder,
    channelLines,
    shipments: [],
    ...(built.notification ? { notification: built.notification } : {}),
  };
}

export function fixShopifyTimes(payload: Record<string, unknown>, at: string): void {
  payload.created_at = at;
  payload.updated_at = at;
}

function linesOf(
  payload: Record<string, unknown>,
  channel: 'shopify' | 'woocommerce',
  skus: SimulatedSku[],
): Record<string, number> {
  const units: Record<string, number> = {};
  for (const line of payload.line_items as { sku: string; quantity: number }[]) {
    const found = skus.find((s) => (channel === 'shopify' ? s.shopifySku : s.wooSku) === line.sku)!;
    units[found.sku] = (units[found.sku] ?? 0) + line.quantity;
  }
  return units;
}

/**
 * A Square Online order as RetrieveOrder returns it: integer minor units, string quantities, additive
 * tax, and the SHIPMENT fulfillment the fabric's shipment confirmation completes.
 */
export function squareOrder(
  id: string,
  first: SimulatedSku,
  second: SimulatedSku,
  index: number,
): Record<string, unknown> {
  const money = (amount: number) => ({ amount, currency: 'USD' });
  const line = (uid: string, sku: SimulatedSku, quantity: number) => {
    const unit = sku.priceMinor;
    const gross = unit * quantity;
    const tax = Math.round(gross * 0.0825);
    return {
      line: {
        uid,
        catalog_object_id: `SQV${sku.variantId}`,
        name: sku.sku,
        quantity: String(quantity),
        base_price_money: money(unit),
        gross_sales_money: money(gross),
        total_tax_money: money(tax),
        total_discount_money: money(0),
        total_money: money(gross + tax),
        applied_taxes: [{ uid: `${uid}-tax`, tax_uid: 'state-tax', applied_money: money(tax) }],
      },
      gross,
      tax,
    };
  };
  const lines = [line(`L1-${index}`, first, 2), line(`L2-${index}`, second, 1)];
  const tax = lines.reduce((sum, l) => sum + l.tax, 0);
  const total = lines.reduce((sum, l) => sum + l.gross + l.tax, 0);
  const at = `${BUSINESS_DATE}T10:00:00.000Z`;
  return {
    id,
    location_id: SQUARE_LOCATION,
    state: 'OPEN',
    version: 2,
    created_at: at,
    updated_at: at,
    line_items: lines.map((l) => l.line),
    fulfillments: [
      {
        uid: `F-${index}`,
        type: 'SHIPMENT',
        state: 'PROPOSED',
        shipment_details: {
          recipient: {
            display_name: 'Grace Hopper',
            address: {
              address_line_1: '1 Main St',
              locality: 'Arlington',
              administrative_district_level_1: 'VA',
              postal_code: '22201',
              country: 'US',
            },
          },
        },
      },
    ],
    taxes: [
      {
        uid: 'state-tax',
        name: 'State tax',
        percentage: '8.25',
        type: 'ADDITIVE',
        scope: 'LINE_ITEM',
        applied_money: money(tax),
      },
    ],
    total_money: money(total),
    total_tax_money: money(tax),
    total_discount_money: money(0),
    total_tip_money: money(0),
    total_service_charge_money: money(0),
  };
}

/** Square's catalog item variation id for a simulated SKU (mapped with `variant:` in the cross-reference). */
export function squareVariationId(sku: SimulatedSku): string {
  return `SQV${sku.variantId}`;
}

function squareNotification(orderId: string, eventId: string, locationId = SQUARE_LOCATION): string {
  const at = `${BUSINESS_DATE}T10:00:00.000Z`;
  return JSON.stringify({
    merchant_id: 'MLB0M4PXGJ7GV',
    type: 'order.updated',
    event_id: eventId,
    created_at: at,
    data: {
      type: 'order',
      id: orderId,
      object: {
        order_updated: {
          created_at: at,
          location_id: locationId,
          order_id: orderId,
          state: 'OPEN',
          updated_at: at,
          version: 2,
        },
      },
    },
  });
}

function shuffle<T>(items: T[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
}
