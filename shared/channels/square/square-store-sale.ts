import { createHash } from 'node:crypto';
import * as z from '#domain/kernel/schema';
import { ConfigError } from '#domain/kernel/errors';
import { readPolicy } from '#shared/config/env';
import { OrderMappingError, type TillTransaction } from '#domain/intake/channel-ports';
import { loadInventoryPolicy } from '#domain/inventory';
import { formatDecimalMoney, type Money } from '#domain/kernel/money';
import type { Order } from '#domain/kernel/order';
import type { SkuLookup } from '#domain/kernel/sku-cross-reference';
import { normalizeReasonCode, toPosTransactionDraft, type PosLine, type RawPosTransaction } from '#domain/pos';
import type { SquareOrder } from './square-order.schema';
import { isTimeZone } from '#domain/kernel/time-zone';

export const SQUARE_STORE_LOCATIONS_ENV = 'FABRIC_SQUARE_STORE_LOCATIONS';

const StoreLocation = z.strictObject({
  /** A store location of the inventory policy: where the till's sales move stock. */
  storeId: z.string().check(z.minLength(1)),
  /** The store's time zone, which decides the business day a sale is booked on; UTC when unset. */
  timeZone: z._default(
    z.string().check(z.refine(isTimeZone, 'must be an IANA time zone such as Europe/London')),
    'UTC',
  ),
});
/** Square location id to our store: the Square locations whose in-person orders are store transactions. */
export const SquareStoreLocations = z.record(z.string().check(z.minLength(1)), StoreLocation);
export type SquareStoreLocations = z.infer<typeof SquareStoreLocations>;

/**
 * The Square locations a merchant rings up store sales at, from FABRIC_SQUARE_STORE_LOCATIONS, JSON
 * such as `{"LBX9V0JZ1G7MN": {"storeId": "store-042", "timeZone": "Europe/London"}}`; none when unset,
 * so every Square order is an online order. Throws ConfigError naming the variable and the failing
 * path, also for a store that is not a store location of the inventory policy (its sales could move
 * no stock).
 */
export function squareStoreLocationsFromEnv(env: NodeJS.ProcessEnv = process.env): SquareStoreLocations {
  const locations = readPolicy(SquareStoreLocations, {}, SQUARE_STORE_LOCATIONS_ENV, env);
  const stores = new Set(
    loadInventoryPolicy(env)
      .locations.filter((location) => location.kind === 'store')
      .map((location) => location.id),
  );
  for (const [squareLocation, { storeId }] of Object.entries(locations)) {
    if (!stores.has(storeId))
      throw new ConfigError(
        `invalid configuration: ${SQUARE_STORE_LOCATIONS_ENV} ${squareLocation}.storeId: "${storeId}" is not a store location of the inventory policy`,
      );
  }
  return locations;
}

/** Fulfillments that hand an order over elsewhere than at the counter: such an order is an online one. */
const REMOTE_FULFILLMENTS = new Set(['SHIPMENT', 'DELIVERY', 'PICKUP']);

/**
 * Square POS records a counter sale as an order without a SHIPMENT, DELIVERY or PICKUP fulfillment
 * (none at all, or IN_STORE); an itemized refund at the till is an order of its own with `returns`.
 */
export function isInPersonOrder(order: SquareOrder): boolean {
  return !order.fulfillments.some((fulfillment) => REMOTE_FULFILLMENTS.has(fulfillment.type));
}

/** Tender types as the accounting policy's POS tender methods name them; others lower-cased. */
const TENDER_METHODS: Record<string, string> = { CASH: 'cash', CARD: 'card', SQUARE_GIFT_CARD: 'gift_card' };
/**
 * A refund names the original order's tender by id only, not its type: it is booked under this method,
 * which the accounting policy's `tenders` maps to where Square refunds are paid from (unmapped, it
 * lands in the suspense account for a person to look at).
 */
export const SQUARE_REFUND_TENDER = 'square_refund';

/**
 * The store transaction an in-person Square order at a mapped location is, or undefined for any other
 * order (an online order, or one at a location mapped to no store, which stays an online order).
 *
 * The transaction key: Square sales carry no till sequence number, so the key is
 * (store, `square-{order id}`, the day the order was created in the store's time zone, 0). Each Square
 * order is its own "register" with one transaction: the key is fixed by what never changes on the
 * order (its id and created_at), so every version of the same sale (a later metadata update, the refund
 * that bumps the original's version), a redelivered notification, a replay and the catch-up pull all
 * name the same transaction, and stock movements (keyed on the transaction id and line) and the
 * journal entry (keyed on the transaction id) happen once. These keys are never fed to sequence-gap
 * detection, which only POS batch uploads do. `version` says which Square version was read.
 *
 * Money, to the minor unit, through the same rules as the online mapping (mapSquareOrder): sold lines
 * as `line_items`, returned lines as `returns[].return_line_items`, tenders as paid and approved or
 * pending refunds as negative tenders; the POS rules (toPosTransactionDraft) then prove that the tenders add up to
 * sales - returns + tax. Square records a refund on the return order (and may list it on the original
 * sale too, bumping its version): only an order that takes lines back counts its refunds, so the sale
 * stays as it was rung up and the refund is booked once, with the return. A POS line is net of tax: for INCLUSIVE taxes the net unit price is rounded up
 * and the few minor units that adds (fewer than the quantity) join the line's discount, so the line's
 * net amount, the tax and the total stay exact. Throws OrderMappingError for a service charge (no place
 * in a store transaction) or anything the mapping or the POS rules refuse.
 */
export function squareTillTransaction(
  order: SquareOrder,
  locations: SquareStoreLocations,
  lookupSku: SkuLookup,
  mapOrder: (order: SquareOrder, lookupSku: SkuLookup) => Order,
): TillTransaction | undefined {
  const location = locations[order.location_id];
  if (!location || !isInPersonOrder(order)) return undefined;
  const { storeId } = location;
  if (order.state !== 'COMPLETED')
    return {
      kind: 'not_completed',
      reason: `an in-person order ${order.state} at the till of ${storeId}: it moves nothing until it completes`,
    };
  if (order.service_charges.length > 0 || order.returns.some((entry) => entry.return_service_charges.length > 0))
    throw new OrderMappingError('service_charges: a service charge has no place in a store transaction', [
      { path: 'service_charges', message: 'a store transaction carries items only' },
    ]);

  const sold = order.line_items.length ? mapOrder({ ...order, returns: [], refunds: [] }, lookupSku) : undefined;
  const returned = order.returns.some((entry) => entry.return_line_items.length)
    ? mapReturnedLines(order, lookupSku, mapOrder)
    : undefined;
  const currency = (sold ?? returned)?.currency;
  if (!currency)
    throw new OrderMappingError('returns: the order neither sells nor takes back a line', [
      { path: 'returns', message: 'has no return_line_items' },
    ]);
  const refundReason = order.refunds.map((refund) => refund.reason && normalizeReasonCode(refund.reason)).find(Boolean);
  const linesOf = (mapped: Order | undefined, type: 'sale' | 'return') =>
    (mapped?.lines ?? []).map((line) => ({ line, type, taxesIncluded: mapped?.taxesIncluded ?? false }));
  const lines = [...linesOf(sold, 'sale'), ...linesOf(returned, 'return')];
  const decimal = (amountMinor: number) => formatDecimalMoney({ amountMinor, currency });
  const raw: RawPosTransaction = {
    storeId,
    registerId: squareRegisterId(order.id),
    businessDay: businessDayOf(order.created_at, location.timeZone),
    sequence: 0,
    endedAt: order.closed_at ?? order.created_at,
    currency,
    lines: lines.map(({ line, type, taxesIncluded }) => {
      const tax = taxOf(line.taxes);
      const net = line.unitPrice.amountMinor * line.quantity - (taxesIncluded ? tax : 0);
      const unitPrice = Math.ceil(net / line.quantity);
      return {
        type,
        itemCode: line.channelSku || 'CUSTOM_AMOUNT',
        ...(line.title ? { description: line.title.slice(0, 200) } : {}),
        quantity: line.quantity,
        unitPrice: decimal(unitPrice),
        discount: decimal(line.discount.amountMinor + unitPrice * line.quantity - net),
        ...(type === 'return' && refundReason && refundReason.length <= 40 ? { reasonCode: refundReason } : {}),
      };
    }),
    tax: [...(sold ? [decimal(sumTaxes(sold))] : []), ...(returned ? [decimal(-sumTaxes(returned))] : [])],
    tenders: [
      ...order.tenders.map((tender) => ({
        method: TENDER_METHODS[tender.type] ?? tender.type.toLowerCase(),
        amount: decimal(tender.amount_money.amount),
      })),
      ...(returned ? order.refunds : [])
        .filter((refund) => refund.status === 'APPROVED' || refund.status === 'PENDING')
        .map((refund) => ({ method: SQUARE_REFUND_TENDER, amount: decimal(-refund.amount_money.amount) })),
    ],
  };
  const draft = toPosTransactionDraft(raw, { storeId });
  if (!draft.ok)
    throw new OrderMappingError(
      `the till transaction does not hold together: ${draft.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`,
      draft.issues.map((issue) => ({ path: `storeTransaction.${issue.path}`, message: issue.message })),
    );
  return {
    kind: 'transaction',
    transaction: {
      ...draft.transaction,
      lines: draft.transaction.lines.map((line, i): PosLine => ({ ...line, sku: lines[i].line.sku })),
    },
    version: String(order.version ?? order.updated_at),
  };
}

/** The returned lines of every `returns` entry, mapped as one order of those lines. */
function mapReturnedLines(
  order: SquareOrder,
  lookupSku: SkuLookup,
  mapOrder: (order: SquareOrder, lookupSku: SkuLookup) => Order,
): Order {
  const returnLines = order.returns.flatMap((entry) => entry.return_line_items);
  const totalMinor = returnLines.reduce((sum, line) => sum + line.total_money.amount, 0);
  try {
    return mapOrder(
      {
        ...order,
        line_items: returnLines.map((line, i) => ({
          uid: line.uid ?? `return-${i + 1}`,
          ...(line.name ? { name: line.name } : {}),
          ...(line.variation_name ? { variation_name: line.variation_name } : {}),
          ...(line.catalog_object_id ? { catalog_object_id: line.catalog_object_id } : {}),
          quantity: line.quantity,
          base_price_money: line.base_price_money,
          gross_sales_money: line.gross_return_money,
          total_tax_money: line.total_tax_money,
          total_discount_money: line.total_discount_money,
          total_money: line.total_money,
          applied_taxes: line.applied_taxes,
        })),
        taxes: order.returns.flatMap((entry) => entry.return_taxes),
        service_charges: [],
        fulfillments: [],
        returns: [],
        refunds: [],
        total_money: order.return_amounts?.total_money ?? { ...order.total_money, amount: totalMinor },
        total_tip_money: undefined,
      },
      lookupSku,
    );
  } catch (error) {
    if (!(error instanceof OrderMappingError)) throw error;
    // The mapping speaks of line_items and total_money; here they are the returned lines and their total.
    const inReturns = (text: string) =>
      text
        .replace(/\bline_items\b/g, 'returns.return_line_items')
        .replace(/\btotal_money\b/g, 'return_amounts.total_money');
    throw new OrderMappingError(
      inReturns(error.message),
      error.details.map((detail) => ({ path: inReturns(detail.path), message: detail.message })),
    );
  }
}

const taxOf = (taxes: readonly { amount: Money }[]) => taxes.reduce((sum, tax) => sum + tax.amount.amountMinor, 0);
const sumTaxes = (order: Order) => order.lines.reduce((sum, line) => sum + taxOf(line.taxes), 0);

/** `square-{order id}`, or a digest of the id when it would not fit a POS key part (64 characters of [A-Za-z0-9._-]). */
function squareRegisterId(orderId: string): string {
  return /^[A-Za-z0-9._-]{1,57}$/.test(orderId)
    ? `square-${orderId}`
    : `square-${createHash('sha256').update(orderId).digest('base64url').slice(0, 32)}`;
}

/** The calendar day (YYYY-MM-DD) an instant falls on in a time zone. */
function businessDayOf(timestamp: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(timestamp),
  );
}
