import { sampleShopifyOrder } from '../sample/shopify-orders';
import { orderIdFor } from '#domain/kernel/order';
import type { FulfilmentRequest } from '#domain/fulfilment';
import { BUSINESS_DATE, shopifyLocationId, storeIds, usd } from './store-day';
import {
  WAREHOUSE,
  fixShopifyTimes,
  originalDelivery,
  squareOrder,
  type ChannelDelivery,
  type PlannedOrder,
  type ScenarioOptions,
  type SimulatedSku,
} from './scenario';

/**
 * The omnichannel part of the day, on SKUs of its own so that the online day's stock invariants stay
 * what they are: Shopify local pickups at the stores (collected with their code, one left to expire),
 * orders to one postal zone that the sourcing rules ship from the stores (one a store rejects, so its
 * part is re-sourced; one split across a store and the warehouse), a Square order backordered until a
 * receipt fills it, and a transfer to a store that spends time in transit and arrives one unit short.
 */

/** What the day does with the order, and so what it expects of it. */
export type FulfilmentRole = 'pickup-collected' | 'pickup-expired' | 'store-rejected' | 'split' | 'backorder';

export interface FulfilmentOrder {
  role: FulfilmentRole;
  channel: 'shopify' | 'square';
  channelOrderId: string;
  orderId: string;
  /** The store a pickup is collected at, or the store that rejects its pick. */
  storeId?: string;
  unitsBySku: Record<string, number>;
  payload: Record<string, unknown>;
  channelLines: { lineId: string; quantity: number }[];
  delivery: ChannelDelivery;
}

export interface StoreFulfilmentPlan {
  /** A: on the stores' shelves; B: in the warehouse only; C: nowhere until the day's receipt. */
  skus: { shelf: SimulatedSku; warehouse: SimulatedSku; backordered: SimulatedSku };
  stores: string[];
  /** Received before the orders come: location -> SKU -> units. */
  stock: Record<string, Record<string, number>>;
  /** The merchant's sourcing rules, as POST /sourcing-rules takes them. */
  rules: Record<string, unknown>;
  orders: FulfilmentOrder[];
  /** What fills the backorder once it waits. */
  backorderReceipt: { sku: string; locationId: string; quantity: number };
  transfer: {
    transferId: string;
    sku: string;
    fromLocationId: string;
    toLocationId: string;
    shipped: number;
    received: number;
  };
  /** Where the rejected part goes next: the second store, or the warehouse when there is one store. */
  resourcedTo: string;
}

/** Postal codes the sourcing rules ship from the stores (Salem, OR): no order of the online day goes there. */
const STORE_ZONE = { countries: ['US'], postalPrefixes: ['973'], centre: { lat: 44.94, lon: -123.03 } };
const STORE_ZONE_ADDRESS = { address1: '1 Court St NE', city: 'Salem', province_code: 'OR', zip: '97301' };

/** One pickup in this many orders of the day, and at least two (one collected, one expired). */
const ORDERS_PER_PICKUP = 125;

export function planStoreFulfilment(options: ScenarioOptions): StoreFulfilmentPlan {
  const run = options.runNumber ?? 0;
  const tag = `F${options.seed}R${run}`;
  const sku = (i: number, priceMinor: number): SimulatedSku => {
    const n = `${tag}-${i}`;
    return {
      sku: `SIMF-${n}`,
      shopifySku: `SHF-${n}`,
      variantId: 42_000_000_000_000 + run * 100_000 + i,
      wooSku: `WCF-${n}`,
      wooProductId: 600_000 + run * 10_000 + i,
      posItemCode: `POSF-${n}`,
      marketplaceSkus: { amazon: `AMZF-${n}`, ebay: `EBF-${n}`, walmart: `WMF-${n}` },
      price: usd(priceMinor),
      priceMinor,
    };
  };
  const skus = { shelf: sku(1, 2400), warehouse: sku(2, 1850), backordered: sku(3, 3100) };
  const stores = storeIds(options.stores);
  const item = (s: SimulatedSku) => ({
    channelSku: s.shopifySku,
    title: s.sku,
    price: s.price,
    variantId: s.variantId,
  });
  const orderNumberBase = (10_000 + run) * 1_200_000 + 900_000;
  const orders: FulfilmentOrder[] = [];
  const index = () => 100_000 + orders.length;

  const shopify = (
    role: FulfilmentRole,
    picks: number[],
    lineCount: number,
    shape: (payload: Record<string, any>) => void,
    storeId?: string,
  ) => {
    const scripted = [...picks];
    const payload = sampleShopifyOrder(
      orderNumberBase + orders.length,
      () => scripted.shift() ?? 0,
      [item(skus.shelf), item(skus.warehouse)],
      lineCount,
    );
    fixShopifyTimes(payload, `${BUSINESS_DATE}T11:00:00.000Z`);
    shape(payload);
    add(role, 'shopify', String(payload.id), payload, storeId);
  };
  const add = (
    role: FulfilmentRole,
    channel: 'shopify' | 'square',
    channelOrderId: string,
    payload: Record<string, any>,
    storeId?: string,
  ) => {
    const lines: { id?: number; uid?: string; sku?: string; catalog_object_id?: string; quantity: number | string }[] =
      payload.line_items;
    const unitsBySku: Record<string, number> = {};
    for (const line of lines) {
      const found = Object.values(skus).find((s) =>
        channel === 'shopify' ? s.shopifySku === line.sku : `SQV${s.variantId}` === line.catalog_object_id,
      )!;
      unitsBySku[found.sku] = (unitsBySku[found.sku] ?? 0) + Number(line.quantity);
    }
    const planned = { index: index(), channel, channelOrderId, payload } as PlannedOrder;
    orders.push({
      role,
      channel,
      channelOrderId,
      orderId: orderIdFor(channel, channelOrderId),
      ...(storeId ? { storeId } : {}),
      unitsBySku,
      payload,
      channelLines: lines.map((line) => ({ lineId: String(line.uid ?? line.id), quantity: Number(line.quantity) })),
      delivery: originalDelivery(planned, tag),
    });
  };

  // Pickups: a line of the shelf SKU (one to three units), collected at the store the buyer chose.
  const pickups = Math.max(2, Math.round(options.orders / ORDERS_PER_PICKUP));
  for (let p = 0; p < pickups; p += 1) {
    const storeId = stores[p % stores.length];
    shopify(
      p === pickups - 1 ? 'pickup-expired' : 'pickup-collected',
      [0, (p % 3) / 3],
      1,
      (payload) => asPickup(payload, storeId),
      storeId,
    );
  }
  // Shipped to the stores' zone: the rules try the first store, which rejects this one.
  shopify('store-rejected', [0, 0], 1, (payload) => toStoreZone(payload), stores[0]);
  // One unit of each SKU: the shelf SKU from the first store, the warehouse SKU from the warehouse.
  shopify('split', [0, 0, 0.99, 0], 2, (payload) => toStoreZone(payload), stores[0]);
  // Square backorders: two of a SKU nobody holds yet, one the warehouse holds.
  const squareId = `SIM${tag}BO1`;
  add('backorder', 'square', squareId, squareOrder(squareId, skus.backordered, skus.warehouse, index()));

  const unitsOf = (role: FulfilmentRole, s: SimulatedSku) =>
    orders.filter((o) => o.role === role).reduce((sum, o) => sum + (o.unitsBySku[s.sku] ?? 0), 0);
  const resourcedTo = stores[1] ?? WAREHOUSE;
  const stock: Record<string, Record<string, number>> = {};
  for (const storeId of stores) {
    const pickedUpHere = orders
      .filter((o) => o.storeId === storeId && o.role.startsWith('pickup'))
      .reduce((sum, o) => sum + (o.unitsBySku[skus.shelf.sku] ?? 0), 0);
    stock[storeId] = { [skus.shelf.sku]: pickedUpHere + 2 };
  }
  const transfer = {
    transferId: `sim-${tag}-in-transit`,
    sku: skus.warehouse.sku,
    fromLocationId: WAREHOUSE,
    toLocationId: stores[stores.length - 1],
    shipped: 5,
    received: 4,
  };
  stock[WAREHOUSE] = {
    [skus.shelf.sku]: 2,
    [skus.warehouse.sku]:
      unitsOf('split', skus.warehouse) + unitsOf('backorder', skus.warehouse) + transfer.shipped + 2,
  };
  return {
    skus,
    stores,
    stock,
    rules: {
      zones: { 'store-zone': STORE_ZONE },
      rules: [
        {
          id: 'pickup-at-the-chosen-store',
          description: 'A pickup is held at the store the buyer chose, nowhere else.',
          when: { deliveryMethods: ['pickup'] },
          locations: ['pickup-store'],
        },
        {
          id: 'store-zone-ships-from-stores',
          description: 'Orders to the stores’ zone ship from a store first, the warehouse last, in at most two parts.',
          when: { channels: ['shopify'], zones: ['store-zone'] },
          locations: [...stores, WAREHOUSE],
          rankBy: ['priority'],
          split: { mode: 'split', maxParts: 2 },
        },
      ],
    },
    orders,
    backorderReceipt: {
      sku: skus.backordered.sku,
      locationId: WAREHOUSE,
      quantity: unitsOf('backorder', skus.backordered),
    },
    transfer,
    resourcedTo,
  };
}

/** A Shopify local pickup: its fulfillment order delivered by pick_up at the store's Shopify location, no shipping charged. */
function asPickup(payload: Record<string, any>, storeId: string): void {
  const shippingLine = payload.shipping_lines[0];
  const shippingMinor = Math.round(Number(shippingLine.price) * 100);
  const shippingTaxMinor = Math.round(Number(shippingLine.tax_lines[0].price) * 100);
  const minus = (decimal: string, minor: number) => usd(Math.round(Number(decimal) * 100) - minor);
  payload.total_tax = minus(payload.total_tax, shippingTaxMinor);
  payload.total_price = minus(payload.total_price, shippingMinor + shippingTaxMinor);
  payload.shipping_lines = [
    { title: 'Pickup in store', code: `Store ${storeId}`, price: '0.00', discount_allocations: [], tax_lines: [] },
  ];
  payload.fulfillment_orders = [
    {
      id: Number(payload.id) + 7_000_000_000_000,
      admin_graphql_api_id: `gid://shopify/FulfillmentOrder/${Number(payload.id) + 7_000_000_000_000}`,
      order_id: payload.id,
      assigned_location_id: Number(shopifyLocationId(storeId)),
      status: 'open',
      delivery_method: { method_type: 'pick_up' },
    },
  ];
}

function toStoreZone(payload: Record<string, any>): void {
  payload.shipping_address = { ...payload.shipping_address, ...STORE_ZONE_ADDRESS };
}

/** What the day saw of its omnichannel part. */
export interface StoreFulfilmentSeen {
  rulesAnswer: number;
  /** Every answer of the store tasks API and the warehouse's shipments for these orders. */
  answers: { what: string; status: number }[];
  orders: { orderId: string; state: string; erpSalesOrders: number; requests: FulfilmentRequest[] }[];
  /** SKU -> location -> figures, once everything settled. */
  stock: Record<string, Record<string, { onHand: number; reserved: number; incoming: number }>>;
  /** What the destination showed as incoming while the transfer was on its way. */
  incomingInTransit: number;
  transferAnswers: number[];
  /** Per channel order id: pickups the channel was told are ready, and cancellations it was asked for. */
  pickupsToldReady: Record<string, number>;
  cancellations: Record<string, number>;
  /** Fulfilment requests for every order of the day, these and the online day's. */
  requestsToday: number;
}

export interface StoreFulfilmentFigures {
  requests: number;
  resourced: number;
  pickupsCollected: number;
  pickupsExpired: number;
  backordersFilled: number;
  splitOrders: number;
  transfersInTransit: number;
}

/** The lifecycle state each role ends in. */
const FINAL_STATE: Record<FulfilmentRole, string> = {
  'pickup-collected': 'shipped',
  'pickup-expired': 'cancelled',
  'store-rejected': 'shipped',
  split: 'shipped',
  backorder: 'shipped',
};

export function finalState(order: FulfilmentOrder): string {
  return FINAL_STATE[order.role];
}

/**
 * The omnichannel invariants: each order where its role ends, with the requests that role makes
 * (a collected or expired pickup at its store, the rejected part at its next location once, the split
 * at a store and the warehouse, the backorder released once filled); its channel told of a ready
 * pickup once and an expired one cancelled on its channel once; one ERP sales order each (none left
 * for the expired pickup); stock per location exactly what was
 * received less what left, nothing still reserved, nothing left in transit. Pure.
 */
export function checkStoreFulfilment(
  plan: StoreFulfilmentPlan,
  seen: StoreFulfilmentSeen,
): { figures: StoreFulfilmentFigures; violations: string[] } {
  const violations: string[] = [];
  if (seen.rulesAnswer !== 201) violations.push(`the sourcing rules were answered ${seen.rulesAnswer}, not 201`);
  const refused = seen.answers.filter((a) => a.status >= 300);
  if (refused.length)
    violations.push(
      `${refused.length} store task or shipment calls were refused (${refused
        .slice(0, 3)
        .map((a) => `${a.what}: ${a.status}`)
        .join(', ')})`,
    );
  const byId = new Map(seen.orders.map((o) => [o.orderId, o]));
  let collected = 0;
  let expired = 0;
  let filled = 0;
  let split = 0;
  let resourced = 0;
  for (const order of plan.orders) {
    const found = byId.get(order.orderId);
    const requests = found?.requests ?? [];
    const where = (r: FulfilmentRequest) => `${r.locationId} ${r.status} (attempt ${r.attempt})`;
    const fail = (what: string) =>
      violations.push(
        `${order.role} order ${order.orderId}: ${what}; requests: ${requests.map(where).join(', ') || 'none'}`,
      );
    if (found?.state !== finalState(order)) fail(`ended ${found?.state ?? 'unknown'}, expected ${finalState(order)}`);
    // An expired pickup's sales order was deleted again when the order was cancelled.
    const salesOrders = order.role === 'pickup-expired' ? 0 : 1;
    if (found?.erpSalesOrders !== salesOrders)
      fail(`the ERP holds ${found?.erpSalesOrders ?? 0} sales orders for it, expected ${salesOrders}`);
    const one = (status: string, locationId: string, attempt = 1) =>
      requests.filter((r) => r.status === status && r.locationId === locationId && r.attempt === attempt).length === 1;
    resourced += requests.filter((r) => r.attempt > 1).length;
    switch (order.role) {
      case 'pickup-collected':
        if (requests.length !== 1 || !one('collected', order.storeId!)) fail(`not collected once at ${order.storeId}`);
        else if (found?.state === 'shipped') collected += 1;
        break;
      case 'pickup-expired':
        if (requests.length !== 1 || !one('expired', order.storeId!)) fail(`not expired at ${order.storeId}`);
        else if (found?.state === 'cancelled') expired += 1;
        if ((seen.cancellations[order.channelOrderId] ?? 0) !== 1)
          fail(`cancelled on its channel ${seen.cancellations[order.channelOrderId] ?? 0} time(s), expected once`);
        break;
      case 'store-rejected':
        if (
          requests.length !== 2 ||
          !one('rejected', order.storeId!) ||
          !one(plan.resourcedTo === WAREHOUSE ? 'released' : 'shipped', plan.resourcedTo, 2)
        )
          fail(`not rejected at ${order.storeId} and sent to ${plan.resourcedTo} on the second attempt`);
        break;
      case 'split':
        if (requests.length !== 2 || !one('shipped', order.storeId!) || !one('released', WAREHOUSE))
          fail(`not split across ${order.storeId} (shipped) and ${WAREHOUSE} (released)`);
        else split += 1;
        break;
      case 'backorder':
        if (requests.length !== 1 || !one('released', WAREHOUSE)) fail(`not released to ${WAREHOUSE} once filled`);
        else if (found?.state === 'shipped') filled += 1;
        break;
    }
    if (order.role.startsWith('pickup') && (seen.pickupsToldReady[order.channelOrderId] ?? 0) !== 1)
      fail(
        `its channel was told it is ready ${seen.pickupsToldReady[order.channelOrderId] ?? 0} time(s), expected once`,
      );
  }

  for (const [sku, locations] of Object.entries(expectedStock(plan)))
    for (const [locationId, onHand] of Object.entries(locations)) {
      const at = seen.stock[sku]?.[locationId] ?? { onHand: 0, reserved: 0, incoming: 0 };
      if (at.onHand !== onHand || at.reserved !== 0 || at.incoming !== 0)
        violations.push(
          `${sku} at ${locationId}: on hand ${at.onHand}, reserved ${at.reserved}, incoming ${at.incoming}; expected ${onHand}, 0, 0`,
        );
    }
  if (seen.transferAnswers.some((status) => status !== 201))
    violations.push(`the transfer in transit was answered ${seen.transferAnswers.join(', ')}`);
  if (seen.incomingInTransit !== plan.transfer.shipped)
    violations.push(
      `${plan.transfer.toLocationId} showed ${seen.incomingInTransit} incoming while the transfer was on its way, expected ${plan.transfer.shipped}`,
    );
  return {
    figures: {
      requests: seen.requestsToday,
      resourced,
      pickupsCollected: collected,
      pickupsExpired: expired,
      backordersFilled: filled,
      splitOrders: split,
      transfersInTransit: seen.transferAnswers.length === 2 && seen.incomingInTransit === plan.transfer.shipped ? 1 : 0,
    },
    violations,
  };
}

/** On hand per SKU and location once the day is over: received, less collected and shipped, plus what the transfer brought. */
export function expectedStock(plan: StoreFulfilmentPlan): Record<string, Record<string, number>> {
  const onHand: Record<string, Record<string, number>> = {};
  const add = (sku: string, locationId: string, units: number) => {
    onHand[sku] ??= {};
    onHand[sku][locationId] = (onHand[sku][locationId] ?? 0) + units;
  };
  for (const [locationId, skus] of Object.entries(plan.stock))
    for (const [sku, units] of Object.entries(skus)) add(sku, locationId, units);
  const { shelf, warehouse, backordered } = plan.skus;
  for (const order of plan.orders) {
    const units = (s: SimulatedSku) => order.unitsBySku[s.sku] ?? 0;
    if (order.role === 'pickup-collected') add(shelf.sku, order.storeId!, -units(shelf));
    if (order.role === 'store-rejected') add(shelf.sku, plan.resourcedTo, -units(shelf));
    if (order.role === 'split') {
      add(shelf.sku, order.storeId!, -units(shelf));
      add(warehouse.sku, WAREHOUSE, -units(warehouse));
    }
    if (order.role === 'backorder') {
      add(backordered.sku, WAREHOUSE, plan.backorderReceipt.quantity - units(backordered));
      add(warehouse.sku, WAREHOUSE, -units(warehouse));
    }
  }
  const { transfer } = plan;
  add(transfer.sku, transfer.fromLocationId, -transfer.shipped);
  add(transfer.sku, transfer.toLocationId, transfer.received);
  return onHand;
}
