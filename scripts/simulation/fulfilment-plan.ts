import type { PlannedOrder } from './scenario';

/** What the warehouse ships of an order once the ERP holds it: units by SKU. */
export interface PlannedShipment {
  shipmentId: string;
  unitsBySku: Record<string, number>;
}

/** A store taking back units of an online order that shipped (the till names the order). */
export interface PlannedStoreReturn {
  storeId: string;
  sku: string;
  units: number;
  /** DAMAGED sends the units to damaged stock at the store; CUSTOMER_RETURN restocks them. */
  reasonCode: 'CUSTOMER_RETURN' | 'DAMAGED';
}

/**
 * Which orders ship today and how: most of those the day posts ship whole; an order with two SKUs or
 * more ships in two parts, and some of those only their first part today (the rest is tomorrow's
 * work). A few orders that shipped whole come back through a store. Pure: the random source decides.
 */
export function planFulfilment(
  orders: PlannedOrder[],
  stores: readonly string[],
  tag: string,
  random: () => number,
): void {
  for (const order of orders) {
    if (order.expectation !== 'posted' || random() >= 0.8) continue;
    const skus = Object.keys(order.unitsBySku);
    const id = (part: number) => `SHP-${tag}-${order.index}-${part}`;
    if (skus.length > 1 && random() < 0.3) {
      const [first, ...rest] = skus;
      order.shipments.push({ shipmentId: id(1), unitsBySku: { [first]: order.unitsBySku[first] } });
      if (random() < 0.5)
        order.shipments.push({
          shipmentId: id(2),
          unitsBySku: Object.fromEntries(rest.map((sku) => [sku, order.unitsBySku[sku]])),
        });
    } else {
      order.shipments.push({ shipmentId: id(1), unitsBySku: { ...order.unitsBySku } });
    }
    if (shipsWhole(order) && random() < 0.05) {
      const sku = skus[0];
      order.storeReturn = {
        storeId: stores[Math.floor(random() * stores.length)],
        sku,
        units: 1,
        reasonCode: random() < 0.25 ? 'DAMAGED' : 'CUSTOMER_RETURN',
      };
    }
  }
}

/** Units the warehouse ships of the order today, by SKU. */
export function shippedUnits(order: PlannedOrder): Record<string, number> {
  const units: Record<string, number> = {};
  for (const shipment of order.shipments)
    for (const [sku, n] of Object.entries(shipment.unitsBySku)) units[sku] = (units[sku] ?? 0) + n;
  return units;
}

function shipsWhole(order: PlannedOrder): boolean {
  const shipped = shippedUnits(order);
  return Object.entries(order.unitsBySku).every(([sku, units]) => shipped[sku] === units);
}

/**
 * The lifecycle states the day leaves an order in once everything has settled: before the stores'
 * evening batches bring the returns, and after.
 */
export function expectedStates(order: PlannedOrder, { returnsReceived }: { returnsReceived: boolean }): string[] {
  if (order.expectation === 'cancelled') return ['cancelled'];
  // A flash-sale order either won a unit or was refused: which ones is a race, how many is not.
  if (order.expectation === 'flash') return ['posted_to_erp', 'cancelled'];
  if (order.storeReturn && returnsReceived) {
    const units = Object.values(order.unitsBySku).reduce((a, b) => a + b, 0);
    return [order.storeReturn.units === units ? 'returned' : 'partially_returned'];
  }
  if (order.shipments.length === 0) return ['posted_to_erp'];
  return [shipsWhole(order) ? 'shipped' : 'partially_shipped'];
}
