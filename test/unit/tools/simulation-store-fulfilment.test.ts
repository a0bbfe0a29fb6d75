import { ShopifyOrderPayload } from '#shared/channels/shopify/shopify-order.schema';
import { mapShopifyOrder } from '#shared/channels/shopify/shopify-webhook.adapter';
import { mapSquareOrder } from '#shared/channels/square/square-order.mapper';
import { SquareOrder } from '#shared/channels/square/square-order.schema';
import { validateSourcingRules } from '#domain/fulfilment';
import type { FulfilmentRequest } from '#domain/fulfilment';
import { WAREHOUSE, simulationInventoryPolicy } from '../../../scripts/simulation/scenario';
import { shopifyLocationId } from '../../../scripts/simulation/store-day';
import {
  checkStoreFulfilment,
  expectedStock,
  finalState,
  planStoreFulfilment,
  type StoreFulfilmentPlan,
  type StoreFulfilmentSeen,
} from '../../../scripts/simulation/store-fulfilment';
import { lookupFrom } from '../support/fake-intake';

const options = { orders: 500, stores: 5, skus: 20, seed: 7, faults: [] };
const plan = planStoreFulfilment(options);
const lookup = lookupFrom(
  Object.values(plan.skus).flatMap((s) => [
    { key: { channelSku: s.shopifySku }, sku: s.sku },
    { key: { channelSku: '', variantId: `SQV${s.variantId}` }, sku: s.sku },
  ]),
);
const canonical = (order: StoreFulfilmentPlan['orders'][number]) =>
  order.channel === 'shopify'
    ? mapShopifyOrder(ShopifyOrderPayload.parse(order.payload), lookup)
    : mapSquareOrder(SquareOrder.parse(order.payload), lookup);

describe('the simulated day’s omnichannel plan', () => {
  test('a pickup per 125 orders at the stores in turn, the last left to expire, then a rejected pick, a split and a backorder', () => {
    expect(plan.orders.map((o) => o.role)).toEqual([
      'pickup-collected',
      'pickup-collected',
      'pickup-collected',
      'pickup-expired',
      'store-rejected',
      'split',
      'backorder',
    ]);
    expect(plan.orders.slice(0, 4).map((o) => o.storeId)).toEqual(['store-001', 'store-002', 'store-003', 'store-004']);
    expect(plan.resourcedTo).toBe('store-002');
  });

  test('each order maps to the cent, pickups at the store the buyer chose, the zone orders to the stores’ postal zone', () => {
    for (const order of plan.orders) {
      const mapped = canonical(order);
      expect(mapped.orderId).toBe(order.orderId);
      const units: Record<string, number> = {};
      for (const line of mapped.lines) units[line.sku!] = (units[line.sku!] ?? 0) + line.quantity;
      expect(units).toEqual(order.unitsBySku);
      if (order.role.startsWith('pickup'))
        expect(mapped.delivery).toEqual({ method: 'pickup', channelLocationId: shopifyLocationId(order.storeId!) });
      else expect(mapped.delivery).toBeUndefined();
      if (order.role === 'store-rejected' || order.role === 'split')
        expect(mapped.shippingAddress).toMatchObject({ postalCode: '97301', countryCode: 'US' });
    }
    const pickup = canonical(plan.orders[0]);
    expect(pickup.shipping.map((s) => s.price.amountMinor)).toEqual([0]);
  });

  test('its sourcing rules pass the fabric’s validation against the simulated locations', () => {
    const { locations } = simulationInventoryPolicy(options.stores) as { locations: { id: string; kind: 'store' }[] };

    expect(validateSourcingRules(plan.rules, locations)).toMatchObject({ ok: true });
  });

  test('the shelves hold every pickup at its store, the rejected and the split units, the warehouse the rest', () => {
    const shelf = plan.skus.shelf.sku;
    for (const storeId of plan.stores) {
      const pickups = plan.orders
        .filter((o) => o.storeId === storeId && o.role.startsWith('pickup'))
        .reduce((sum, o) => sum + o.unitsBySku[shelf], 0);
      expect(plan.stock[storeId][shelf]).toBe(pickups + 2);
    }
    expect(plan.stock[WAREHOUSE][plan.skus.backordered.sku]).toBeUndefined();
    expect(plan.backorderReceipt).toEqual({ sku: plan.skus.backordered.sku, locationId: WAREHOUSE, quantity: 2 });
  });
});

/** What the fabric shows when every invariant holds. */
function seenAsPlanned(): StoreFulfilmentSeen {
  const request = (
    orderId: string,
    locationId: string,
    status: FulfilmentRequest['status'],
    attempt = 1,
  ): FulfilmentRequest =>
    ({ requestId: `${orderId}.${locationId}.${attempt}`, orderId, locationId, status, attempt }) as FulfilmentRequest;
  const requestsOf = (order: StoreFulfilmentPlan['orders'][number]): FulfilmentRequest[] => {
    switch (order.role) {
      case 'pickup-collected':
        return [request(order.orderId, order.storeId!, 'collected')];
      case 'pickup-expired':
        return [request(order.orderId, order.storeId!, 'expired')];
      case 'store-rejected':
        return [
          request(order.orderId, order.storeId!, 'rejected'),
          request(order.orderId, plan.resourcedTo, 'shipped', 2),
        ];
      case 'split':
        return [request(order.orderId, order.storeId!, 'shipped'), request(order.orderId, WAREHOUSE, 'released')];
      default:
        return [request(order.orderId, WAREHOUSE, 'released')];
    }
  };
  const stock: StoreFulfilmentSeen['stock'] = {};
  for (const [sku, locations] of Object.entries(expectedStock(plan)))
    stock[sku] = Object.fromEntries(
      Object.entries(locations).map(([locationId, onHand]) => [locationId, { onHand, reserved: 0, incoming: 0 }]),
    );
  const pickups = plan.orders.filter((o) => o.role.startsWith('pickup'));
  return {
    rulesAnswer: 201,
    answers: [{ what: 'accept', status: 200 }],
    orders: plan.orders.map((order) => ({
      orderId: order.orderId,
      state: finalState(order),
      erpSalesOrders: order.role === 'pickup-expired' ? 0 : 1,
      requests: requestsOf(order),
    })),
    stock,
    incomingInTransit: plan.transfer.shipped,
    transferAnswers: [201, 201],
    pickupsToldReady: Object.fromEntries(pickups.map((o) => [o.channelOrderId, 1])),
    cancellations: { [pickups.at(-1)!.channelOrderId]: 1 },
    requestsToday: 480,
  };
}

describe('the omnichannel invariants', () => {
  test('hold when every order ends where its role takes it, and count what the issue asks for', () => {
    const { figures, violations } = checkStoreFulfilment(plan, seenAsPlanned());

    expect(violations).toEqual([]);
    expect(figures).toEqual({
      requests: 480,
      resourced: 1,
      pickupsCollected: 3,
      pickupsExpired: 1,
      backordersFilled: 1,
      splitOrders: 1,
      transfersInTransit: 1,
    });
  });

  test('break when an expired pickup is not cancelled on its channel, or is still held in the ERP', () => {
    const seen = seenAsPlanned();
    const expired = plan.orders.find((o) => o.role === 'pickup-expired')!;
    seen.cancellations = {};
    seen.orders.find((o) => o.orderId === expired.orderId)!.erpSalesOrders = 1;

    const { violations } = checkStoreFulfilment(plan, seen);

    expect(violations).toEqual([
      expect.stringContaining('the ERP holds 1 sales orders for it, expected 0'),
      expect.stringContaining('cancelled on its channel 0 time(s), expected once'),
    ]);
  });

  test('break when a rejected part was moved twice, or a pickup was told ready twice', () => {
    const seen = seenAsPlanned();
    const rejected = seen.orders.find((o) => o.orderId === plan.orders[4].orderId)!;
    rejected.requests.push({ ...rejected.requests[1], locationId: WAREHOUSE, status: 'released' });
    seen.pickupsToldReady[plan.orders[0].channelOrderId] = 2;

    const { violations, figures } = checkStoreFulfilment(plan, seen);

    expect(violations).toEqual([
      expect.stringContaining('told it is ready 2 time(s)'),
      expect.stringContaining('not rejected at store-001 and sent to store-002 on the second attempt'),
    ]);
    expect(figures.pickupsCollected).toBe(3);
  });

  test('break when stock is off at a location, still reserved, or left in transit', () => {
    const seen = seenAsPlanned();
    const { transfer } = plan;
    seen.stock[transfer.sku][transfer.toLocationId] = { onHand: 0, reserved: 0, incoming: transfer.shipped };
    seen.stock[plan.skus.shelf.sku]['store-001'].reserved = 1;

    const { violations } = checkStoreFulfilment(plan, seen);

    expect(violations).toEqual([
      expect.stringMatching(/^SIMF-F7R0-1 at store-001: on hand \d+, reserved 1, incoming 0; expected \d+, 0, 0$/),
      `${transfer.sku} at ${transfer.toLocationId}: on hand 0, reserved 0, incoming 5; expected 4, 0, 0`,
    ]);
  });
});
