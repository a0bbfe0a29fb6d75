import { type ChannelOrderMapper, OrderMappingError } from '#domain/intake/channel-ports';
import type { SkuLookup } from '#domain/kernel/sku-cross-reference';
import {
  canonicalStatus,
  completeOrder,
  currencyAt,
  minorUnitsAt,
  percentToRate,
  quantityAt,
  unitPriceOf,
  utc,
} from '../order-mapping';
import {
  type Address,
  type Order,
  type OrderLine,
  type OrderStatus,
  type Shipping,
  type TaxLine,
  orderIdFor,
} from '#domain/kernel/order';
import type { Money } from '#domain/kernel/money';
import type { ChannelRefund } from '#domain/returns/refund-report';
import type { SquareMoney, SquareOrder } from './square-order.schema';
import { type SquareStoreLocations, squareStoreLocationsFromEnv, squareTillTransaction } from './square-store-sale';

/**
 * The Square order mapping for the given store locations: an in-person order at a mapped location is a
 * store transaction (squareTillTransaction), every other order an online order (see mapSquareOrder for
 * the money rules).
 */
export function squareOrderMapperFor(storeLocations: () => SquareStoreLocations): ChannelOrderMapper<SquareOrder> {
  return {
    channel: 'square',
    channelOrderId: (order) => order.id,
    // Square orders carry no SKU string: a catalog line is known by its item variation id, which the
    // cross-reference maps (`xref map-sku square variant:<catalog_object_id> <sku>`). An ad-hoc line has none.
    skuKeys: (order) =>
      [...order.line_items, ...order.returns.flatMap((entry) => entry.return_line_items)].map((line) => ({
        channelSku: '',
        ...(line.catalog_object_id ? { variantId: line.catalog_object_id } : {}),
      })),
    toCanonicalOrder: (order, lookupSku) => mapSquareOrder(order, lookupSku),
    refunds: (order) => squareRefunds(order),
    tillTransaction: (order, lookupSku) => squareTillTransaction(order, storeLocations(), lookupSku, mapSquareOrder),
  };
}

let storeLocationsFromEnv: SquareStoreLocations | undefined;

/**
 * The mapping every Square path shares (the fetch after a webhook, the catch-up pull, a remap from the
 * archive), with the store locations of FABRIC_SQUARE_STORE_LOCATIONS, read once per container on
 * first use.
 */
export const squareOrderMapper = squareOrderMapperFor(() => (storeLocationsFromEnv ??= squareStoreLocationsFromEnv()));

/**
 * Maps a Square order (online or point of sale) to the canonical order. The rules:
 * - money is already integer minor units; every amount must be in the order's currency;
 * - quantities are strings and must be whole units ("1.5" kg is a mapping error);
 * - the unit price is gross_sales_money / quantity (base price plus modifiers, which must divide
 *   exactly); the discount is the line's total_discount_money (order-level discounts arrive apportioned);
 * - taxes come from the line's applied_taxes, named and rated by the order's taxes; an order whose
 *   applied taxes are all INCLUSIVE is tax-inclusive, all ADDITIVE tax-exclusive, a mix is refused;
 * - service charges (Square Online's shipping among them) map to shipping lines at their applied amount;
 * - tips have no place in the canonical order: a non-zero tip is a mapping error;
 * - the result must reproduce total_money to the minor unit.
 */
export function mapSquareOrder(order: SquareOrder, lookupSku: SkuLookup): Order {
  if (order.line_items.length === 0)
    throw new OrderMappingError(
      'returns: a refund of items is a store return only at a Square location mapped to a store (FABRIC_SQUARE_STORE_LOCATIONS)',
      [{ path: 'line_items', message: 'an online order sells at least one line' }],
    );
  const currency = currencyAt(order.total_money.currency, 'total_money.currency');
  const money = (value: SquareMoney, path: string): Money => {
    if (value.currency !== currency) {
      throw new OrderMappingError(`${path}: ${value.currency} differs from the order currency ${currency}`, [
        { path: `${path}.currency`, message: `${value.currency} differs from ${currency}` },
      ]);
    }
    return minorUnitsAt(value.amount, currency, `${path}.amount`);
  };
  const taxesByUid = new Map(order.taxes.map((tax) => [tax.uid, tax]));
  const appliedTypes = new Set<string>();
  const taxes = (applied: SquareOrder['line_items'][number]['applied_taxes'], path: string): TaxLine[] =>
    applied.map((tax, i) => {
      const definition = taxesByUid.get(tax.tax_uid);
      const amount = money(tax.applied_money, `${path}.${i}.applied_money`);
      if (amount.amountMinor !== 0) appliedTypes.add(definition?.type ?? 'ADDITIVE');
      const rate = definition?.percentage ? percentToRate(definition.percentage) : undefined;
      return { name: definition?.name ?? 'Tax', ...(rate ? { rate } : {}), amount };
    });

  if (order.total_tip_money && order.total_tip_money.amount !== 0) {
    throw new OrderMappingError(
      `total_tip_money: a tip of ${order.total_tip_money.amount} has no place in the canonical order`,
      [{ path: 'total_tip_money', message: 'tips are not mapped' }],
    );
  }

  const lines: OrderLine[] = order.line_items.map((item, i) => {
    const path = `line_items.${i}`;
    const quantity = quantityAt(item.quantity, `${path}.quantity`);
    const key = { channelSku: '', ...(item.catalog_object_id ? { variantId: item.catalog_object_id } : {}) };
    const title = [item.name, item.variation_name].filter(Boolean).join(' - ');
    return {
      lineId: `${i + 1}`,
      channelLineId: item.uid,
      sku: lookupSku(key) ?? null,
      channelSku: item.catalog_object_id ? `variant:${item.catalog_object_id}` : '',
      ...(title ? { title } : {}),
      quantity,
      unitPrice: unitPriceOf(
        money(item.gross_sales_money, `${path}.gross_sales_money`),
        quantity,
        `${path}.gross_sales_money`,
      ),
      discount: money(item.total_discount_money, `${path}.total_discount_money`),
      taxes:
        item.applied_taxes.length || item.total_tax_money.amount === 0
          ? taxes(item.applied_taxes, `${path}.applied_taxes`)
          : [{ name: 'Tax', amount: money(item.total_tax_money, `${path}.total_tax_money`) }],
    };
  });
  const shipping: Shipping[] = order.service_charges.map((charge, i) => {
    const path = `service_charges.${i}`;
    const applied = charge.applied_money ?? charge.amount_money;
    if (!applied)
      throw new OrderMappingError(`${path}: a service charge without an amount`, [
        { path: `${path}.applied_money`, message: 'is missing' },
      ]);
    return {
      ...(charge.name ? { method: charge.name } : {}),
      price: money(applied, `${path}.applied_money`),
      discount: { amountMinor: 0, currency },
      taxes:
        charge.applied_taxes.length || charge.total_tax_money.amount === 0
          ? taxes(charge.applied_taxes, `${path}.applied_taxes`)
          : [{ name: 'Tax', amount: money(charge.total_tax_money, `${path}.total_tax_money`) }],
    };
  });
  if (appliedTypes.size > 1) {
    throw new OrderMappingError(
      'taxes: the order mixes INCLUSIVE and ADDITIVE taxes, which one canonical order cannot express',
      [{ path: 'taxes', message: 'mixes INCLUSIVE and ADDITIVE' }],
    );
  }

  const shipTo = order.fulfillments.find((f) => f.shipment_details?.recipient)?.shipment_details?.recipient;
  const pickup = order.fulfillments.find((f) => f.type === 'PICKUP' && f.state !== 'CANCELED' && f.state !== 'FAILED');
  const recipient = shipTo ?? pickup?.pickup_details?.recipient;
  const address = toAddress(shipTo);
  return completeOrder(
    {
      orderId: orderIdFor('square', order.id),
      channel: 'square',
      channelOrderId: order.id,
      channelAccount: order.location_id,
      ...(order.reference_id ? { channelOrderNumber: order.reference_id } : {}),
      status: canonicalStatus(squareStatus(order), lines),
      currency,
      placedAt: utc(order.created_at),
      channelUpdatedAt: utc(order.updated_at),
      taxesIncluded: appliedTypes.has('INCLUSIVE'),
      ...(recipient?.email_address || recipient?.display_name
        ? {
            customer: {
              ...(recipient.email_address ? { email: recipient.email_address } : {}),
              ...(recipient.display_name ? { name: recipient.display_name } : {}),
            },
          }
        : {}),
      ...(address ? { shippingAddress: address } : {}),
      // A PICKUP fulfillment is collected at the order's own location; any other order ships.
      ...(pickup ? { delivery: { method: 'pickup' as const, channelLocationId: order.location_id } } : {}),
      lines,
      shipping,
      fees: [],
    },
    money(order.total_money, 'total_money'),
    'total_money',
  );
}

/**
 * Square's order state and fulfillments onto the canonical lifecycle: CANCELED is cancelled; an order
 * whose fulfillments are partly COMPLETED is partially shipped; a COMPLETED order (a point-of-sale
 * sale handed over, or every fulfillment completed) is shipped; anything else is received.
 */
function squareStatus(order: SquareOrder): OrderStatus {
  if (order.state === 'CANCELED') return 'cancelled';
  const live = order.fulfillments.filter((f) => f.state !== 'CANCELED' && f.state !== 'FAILED');
  const completed = live.filter((f) => f.state === 'COMPLETED');
  if (order.state === 'COMPLETED' || (live.length > 0 && completed.length === live.length)) return 'shipped';
  return completed.length > 0 ? 'partially_shipped' : 'received';
}

/** Approved refunds on the order (partial or full); pending, rejected and failed ones returned no money. */
export function squareRefunds(order: SquareOrder): ChannelRefund[] {
  return order.refunds
    .filter((refund) => refund.status === 'APPROVED')
    .map((refund) => ({
      channel: 'square',
      channelOrderId: order.id,
      orderId: orderIdFor('square', order.id),
      channelRefundId: refund.id,
      refundedAt: utc(refund.created_at ?? order.updated_at),
      amount: { amountMinor: refund.amount_money.amount, currency: refund.amount_money.currency },
      lines: [],
      ...(refund.reason ? { reason: refund.reason } : {}),
    }));
}

type Recipient = NonNullable<NonNullable<SquareOrder['fulfillments'][number]['shipment_details']>['recipient']>;

function toAddress(recipient: Recipient | undefined): Address | undefined {
  const address = recipient?.address;
  if (!address?.address_line_1 || !address.locality || !address.country) return undefined;
  return {
    ...(recipient?.display_name ? { name: recipient.display_name } : {}),
    line1: address.address_line_1,
    ...(address.address_line_2 ? { line2: address.address_line_2 } : {}),
    city: address.locality,
    ...(address.administrative_district_level_1 ? { region: address.administrative_district_level_1 } : {}),
    ...(address.postal_code ? { postalCode: address.postal_code } : {}),
    countryCode: address.country.toUpperCase(),
    ...(recipient?.phone_number ? { phone: recipient.phone_number } : {}),
  };
}
