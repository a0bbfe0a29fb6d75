import * as z from '#domain/kernel/schema';
import type { AccountingPolicy } from './chart-of-accounts';
import { settlementAccountFor } from './chart-of-accounts';
import { CurrencyMismatchError, sumMoney } from '#domain/kernel/money';
import type { Order, OrderLine, Shipping } from '#domain/kernel/order';
import type { Shipment } from '#domain/kernel/shipment';
import type { ChannelRefund } from '#domain/returns';
import type { JournalEntry } from './journal-entry';
import { JournalEntryDraft, postingDateOf, refundEntryId, saleEntryId, unitRangeShare } from './model';
import { PermanentError } from '#domain/kernel/errors';

/**
 * What the books already hold for one order: units booked as sold and units reversed per order line,
 * and whether its shipping was booked and reversed. Sales and reversals allocate line-level discounts
 * and taxes by unit position from this, which is what makes parts add up to the whole.
 */
export const OrderBookings = z.object({
  lines: z.record(
    z.string(),
    z.object({
      sold: z.number().check(z.int(), z.nonnegative()),
      reversed: z.number().check(z.int(), z.nonnegative()),
    }),
  ),
  shippingBooked: z.boolean(),
  shippingReversed: z.boolean(),
});
export type OrderBookings = z.infer<typeof OrderBookings>;

export const NO_BOOKINGS: OrderBookings = { lines: {}, shippingBooked: false, shippingReversed: false };

export class UnknownOrderLineError extends PermanentError {
  override name = 'UnknownOrderLineError';
}

export interface BookedEntry {
  entry: JournalEntry;
  bookings: OrderBookings;
}

/** References: the order line, the order's shipping charge, and the order itself for the settlement side. */
export const orderLineReference = (orderId: string, lineId: string) => `order:${orderId}:line:${lineId}`;
const shippingReference = (orderId: string, index: number) => `order:${orderId}:shipping:${index + 1}`;

interface Amounts {
  revenue: number;
  discount: number;
  tax: number;
  owed: number;
}

/** What units [from, from + units) of a line book: net revenue, discount, tax, and what the buyer owes for them. */
function lineAmounts(order: Order, line: OrderLine, from: number, units: number): Amounts {
  const gross = line.unitPrice.amountMinor * units;
  const discount = unitRangeShare(line.discount.amountMinor, line.quantity, from, units);
  const tax = unitRangeShare(
    sumMoney(
      order.currency,
      line.taxes.map((t) => t.amount),
    ).amountMinor,
    line.quantity,
    from,
    units,
  );
  return orderAmounts(order, gross, discount, tax);
}

function shippingAmounts(order: Order, shipping: Shipping): Amounts {
  const tax = sumMoney(
    order.currency,
    shipping.taxes.map((t) => t.amount),
  ).amountMinor;
  return orderAmounts(order, shipping.price.amountMinor, shipping.discount.amountMinor, tax);
}

function orderAmounts(order: Order, gross: number, discount: number, tax: number): Amounts {
  // Tax-inclusive prices already hold the tax: revenue is what is left of them.
  return order.taxesIncluded
    ? { revenue: gross - tax, discount, tax, owed: gross - discount }
    : { revenue: gross, discount, tax, owed: gross - discount + tax };
}

/**
 * The tax a refund gave back, when the channel says, is what leaves tax payable: the channel may have
 * apportioned a line's tax over its units otherwise than the sale did (0.83 of 1.65, where the sale
 * booked the first unit's 0.82). Inclusive prices keep what the buyer got back and move the cent to
 * revenue; exclusive ones owe the buyer the difference.
 */
function withRefundedTax(order: Order, amounts: Amounts, refundedTax: { amountMinor: number } | undefined): Amounts {
  if (!refundedTax) return amounts;
  const delta = refundedTax.amountMinor - amounts.tax;
  return order.taxesIncluded
    ? { ...amounts, tax: refundedTax.amountMinor, revenue: amounts.revenue - delta }
    : { ...amounts, tax: refundedTax.amountMinor, owed: amounts.owed + delta };
}

/** Books amounts as a sale (direction 1) or reverses them (direction -1); returns what the buyer owes for them. */
function post(
  draft: JournalEntryDraft,
  accounts: AccountingPolicy['accounts'],
  incomeAccount: string,
  amounts: Amounts,
  reference: string,
  direction: 1 | -1,
): number {
  draft.credit(incomeAccount, direction * amounts.revenue, reference);
  draft.debit(accounts.salesDiscounts, direction * amounts.discount, reference);
  draft.credit(accounts.salesTaxPayable, direction * amounts.tax, reference);
  return direction * amounts.owed;
}

/**
 * The sale a shipment books: for each shipped line, revenue, its discount and tax for the units
 * shipped (allocated by unit position after the units already booked), the order's shipping with its
 * first booked shipment, and what the buyer owes on the channel's settlement account (receivable or
 * marketplace clearing). Units beyond the line's quantity are not booked twice. Returns undefined when
 * the shipment books nothing new. Throws UnknownOrderLineError for a line the order does not have.
 */
export function buildSaleEntry(
  order: Order,
  shipment: Shipment,
  booked: OrderBookings,
  policy: AccountingPolicy,
): BookedEntry | undefined {
  const { accounts } = policy;
  const draft = new JournalEntryDraft({
    entryId: saleEntryId(shipment),
    postingDate: postingDateOf(shipment.shippedAt),
    currency: order.currency,
    memo: `Sale: ${order.channel} order ${order.channelOrderNumber ?? order.channelOrderId}, shipment ${shipment.shipmentId}`,
  });
  const bookings: OrderBookings = structuredClone(booked);
  let owed = 0;
  let bookedUnits = 0;
  for (const shipped of shipment.lines) {
    const line = order.lines.find((candidate) => candidate.lineId === shipped.lineId);
    if (!line)
      throw new UnknownOrderLineError(
        `order ${order.orderId} has no line ${shipped.lineId} (shipment ${shipment.shipmentId})`,
      );
    const state = bookings.lines[line.lineId] ?? { sold: 0, reversed: 0 };
    const units = Math.min(shipped.quantity, line.quantity - state.sold);
    if (units <= 0) continue;
    owed += post(
      draft,
      accounts,
      accounts.salesRevenue,
      lineAmounts(order, line, state.sold, units),
      orderLineReference(order.orderId, line.lineId),
      1,
    );
    bookings.lines[line.lineId] = { ...state, sold: state.sold + units };
    bookedUnits += units;
  }
  if (bookedUnits === 0) return undefined;
  if (!bookings.shippingBooked) {
    order.shipping.forEach((shipping, i) => {
      owed += post(
        draft,
        accounts,
        accounts.shippingIncome,
        shippingAmounts(order, shipping),
        shippingReference(order.orderId, i),
        1,
      );
    });
    bookings.shippingBooked = true;
  }
  draft.debit(
    settlementAccountFor(policy, order.channel),
    owed,
    `order:${order.orderId}:shipment:${shipment.shipmentId}`,
  );
  const entry = draft.build();
  return entry ? { entry, bookings } : undefined;
}

/**
 * The reversal a channel refund books: for each refunded line, the revenue, discount and tax of as many
 * units as were booked and not yet reversed (mirroring the sale unit by unit, so a full return nets
 * every account to zero), the tax being what the channel says it gave back when it says; a line refunded with no unit (a price adjustment) its reported tax; the
 * shipping the channel says it gave back to shipping income and its tax to tax payable, or, when it
 * does not say, the shipping booked when the refund's remainder is exactly that;
 * whatever else was refunded (goodwill, a partial refund with no lines, a restocking fee kept) to
 * refund allowances; and the refunded money off the channel's settlement account. Returns undefined
 * when the order has nothing booked yet (a refund before shipment reverses no sale). Throws
 * CurrencyMismatchError when the refund is not in the order's currency.
 */
export function buildRefundEntry(
  order: Order,
  refund: ChannelRefund,
  booked: OrderBookings,
  policy: AccountingPolicy,
): BookedEntry | undefined {
  if (refund.amount.currency !== order.currency) {
    throw new CurrencyMismatchError(
      `refund ${refund.channelRefundId} is in ${refund.amount.currency}, order ${order.orderId} in ${order.currency}`,
    );
  }
  const soldAnything = Object.values(booked.lines).some((line) => line.sold > 0);
  if (!soldAnything) return undefined;
  const { accounts } = policy;
  const reference = `refund:${refund.channel}:${refund.channelRefundId}`;
  const draft = new JournalEntryDraft({
    entryId: refundEntryId(refund),
    postingDate: postingDateOf(refund.refundedAt),
    currency: order.currency,
    memo: `Refund ${refund.channelRefundId}: ${order.channel} order ${order.channelOrderNumber ?? order.channelOrderId}${refund.reason ? ` (${refund.reason})` : ''}`,
  });
  const bookings: OrderBookings = structuredClone(booked);
  let reversed = 0;
  for (const refunded of refund.lines) {
    const line = order.lines.find((candidate) => candidate.channelLineId === refunded.channelLineId);
    if (!line)
      throw new UnknownOrderLineError(
        `order ${order.orderId} has no channel line ${refunded.channelLineId} (refund ${refund.channelRefundId})`,
      );
    const state = bookings.lines[line.lineId] ?? { sold: 0, reversed: 0 };
    const units = Math.min(refunded.quantity, state.sold - state.reversed);
    if (refunded.quantity === 0 && refunded.tax && state.sold > 0) {
      // A price adjustment gives back no unit: its tax still leaves tax payable, the rest is an allowance.
      draft.debit(accounts.salesTaxPayable, refunded.tax.amountMinor, orderLineReference(order.orderId, line.lineId));
      reversed -= refunded.tax.amountMinor;
    }
    if (units <= 0) continue;
    reversed += post(
      draft,
      accounts,
      accounts.salesRevenue,
      withRefundedTax(order, lineAmounts(order, line, state.reversed, units), refunded.tax),
      orderLineReference(order.orderId, line.lineId),
      -1,
    );
    bookings.lines[line.lineId] = { ...state, reversed: state.reversed + units };
  }
  const shippingOwed = order.shipping.reduce((total, shipping) => total + shippingAmounts(order, shipping).owed, 0);
  if (refund.shipping && bookings.shippingBooked && !bookings.shippingReversed) {
    // The channel said what of the shipping it gave back: shipping income and its tax, as reported.
    const reference = shippingReference(order.orderId, 0);
    draft.debit(accounts.shippingIncome, refund.shipping.amount.amountMinor, reference);
    draft.debit(accounts.salesTaxPayable, refund.shipping.tax.amountMinor, reference);
    reversed -= refund.shipping.amount.amountMinor + refund.shipping.tax.amountMinor;
    bookings.shippingReversed = refund.shipping.amount.amountMinor + refund.shipping.tax.amountMinor >= shippingOwed;
  }
  // A shipping charge that owes nothing (its tax eats an inclusive price) can only be told apart by the last return.
  const everyUnitReturned = Object.values(bookings.lines).every((line) => line.reversed === line.sold);
  if (
    !refund.shipping &&
    bookings.shippingBooked &&
    !bookings.shippingReversed &&
    refund.amount.amountMinor + reversed === shippingOwed &&
    (shippingOwed !== 0 || everyUnitReturned)
  ) {
    order.shipping.forEach((shipping, i) => {
      reversed += post(
        draft,
        accounts,
        accounts.shippingIncome,
        shippingAmounts(order, shipping),
        shippingReference(order.orderId, i),
        -1,
      );
    });
    bookings.shippingReversed = true;
  }
  // `reversed` is negative: what the reversed lines took off what the buyer owes.
  draft.debit(accounts.refundAllowances, refund.amount.amountMinor + reversed, reference);
  draft.credit(settlementAccountFor(policy, order.channel), refund.amount.amountMinor, reference);
  const entry = draft.build();
  return entry ? { entry, bookings } : undefined;
}
