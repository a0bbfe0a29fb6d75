import { OrderMappingError } from '#domain/intake/channel-ports';
import { Order, computeOrderTotals, type OrderStatus, type OrderTotals } from '#domain/kernel/order';
import { type Money, formatDecimalMoney, isIsoCurrency, parseDecimalMoney } from '#domain/kernel/money';
import { formatIssues } from '#domain/kernel/validation';
import { isoStringOf } from '#domain/kernel/iso-time';

/*
 * The rules every channel mapper shares, written once so that a channel cannot quietly round, invent
 * or drop what another channel would refuse. Each throws OrderMappingError naming the channel field.
 */

/** A channel decimal ("19.99", 19.99) in the order currency, exactly, or a mapping error naming the field. */
export function moneyAt(decimal: string | number, currency: string, path: string): Money {
  try {
    return parseDecimalMoney(decimal, currency);
  } catch (error) {
    throw new OrderMappingError(`${path}: ${(error as Error).message}`, [{ path, message: (error as Error).message }]);
  }
}

/** The order's currency, which must be one a buyer can pay in: "ZZZ" has the right shape and no minor unit to trust. */
export function currencyAt(code: string, path: string): string {
  if (!isIsoCurrency(code)) {
    throw new OrderMappingError(`${path}: "${code}" is not an ISO 4217 currency`, [
      { path, message: `"${code}" is not an ISO 4217 currency` },
    ]);
  }
  return code;
}

/**
 * A price or total, which no sale makes negative: a negative one would reserve stock and post a credit
 * as a sale. Discounts and refunds, which channels may state as negatives, are not checked here.
 */
export function notNegativeAt(amount: Money, path: string): Money {
  if (amount.amountMinor < 0) {
    const message = `${formatDecimalMoney(amount)} ${amount.currency} is negative`;
    throw new OrderMappingError(`${path}: ${message}`, [{ path, message }]);
  }
  return amount;
}

/** An amount a channel already gives in minor units (Square's integer cents), checked to be a safe integer. */
export function minorUnitsAt(amount: number, currency: string, path: string): Money {
  if (!Number.isSafeInteger(amount)) {
    throw new OrderMappingError(`${path}: ${amount} is not a whole number of minor units`, [
      { path, message: `${amount} is not a whole number of minor units` },
    ]);
  }
  return { amountMinor: amount, currency };
}

/** A quantity a channel sends as a number or a string ("2"); the canonical order knows only whole positive units. */
export function quantityAt(value: string | number, path: string): number {
  const quantity = typeof value === 'number' ? value : /^\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!Number.isSafeInteger(quantity) || quantity <= 0) {
    throw new OrderMappingError(`${path}: quantity "${value}" is not a whole number of units`, [
      { path, message: `"${value}" is not a whole number of units` },
    ]);
  }
  return quantity;
}

/**
 * The unit price behind a channel's extended line amount (Amazon ItemPrice, eBay lineItemCost, Square
 * gross sales, WooCommerce line subtotal): extended / quantity, which must divide exactly. The fabric
 * never rounds a unit price, because unit x quantity would then stop reproducing what the buyer paid;
 * an amount that does not divide is a mapping error naming the remainder, and the order is held.
 */
export function unitPriceOf(extended: Money, quantity: number, path: string): Money {
  notNegativeAt(extended, path);
  const remainder = extended.amountMinor % quantity;
  if (remainder !== 0) {
    const message = `${formatDecimalMoney(extended)} ${extended.currency} for ${quantity} units leaves ${formatDecimalMoney({ amountMinor: remainder, currency: extended.currency })} that no equal unit price reproduces`;
    throw new OrderMappingError(`${path}: ${message}`, [{ path, message }]);
  }
  return { amountMinor: extended.amountMinor / quantity, currency: extended.currency };
}

/** The canonical status: cancellation first, then an unresolved SKU holds the order, then the channel's own progress. */
export function canonicalStatus(channelStatus: OrderStatus, lines: readonly { sku: string | null }[]): OrderStatus {
  if (channelStatus === 'cancelled') return 'cancelled';
  if (lines.some((line) => line.sku === null)) return 'needs_attention';
  return channelStatus;
}

/** The channel's own total must equal what the lines compute, to the minor unit, or the difference is named. */
export function assertReportedTotal(totals: OrderTotals, reported: Money, path: string): void {
  if (reported.amountMinor === totals.total.amountMinor) return;
  const difference = { amountMinor: reported.amountMinor - totals.total.amountMinor, currency: reported.currency };
  throw new OrderMappingError(
    `${path} ${formatDecimalMoney(reported)} differs from the computed ${formatDecimalMoney(totals.total)} by ${formatDecimalMoney(difference)}`,
    [{ path, message: `differs by ${formatDecimalMoney(difference)} ${reported.currency}` }],
  );
}

type OrderDraft = Omit<Order, 'totals'>;

/**
 * Computes the totals of a mapped order, checks them against the channel's reported total and parses
 * the result as a canonical order (which proves the balance once more). Throws OrderMappingError.
 */
export function completeOrder(draft: OrderDraft, reportedTotal: Money, totalPath: string): Order {
  let totals: OrderTotals;
  try {
    totals = computeOrderTotals(draft);
  } catch (error) {
    throw new OrderMappingError(`amounts are not all in ${draft.currency}: ${(error as Error).message}`, [
      { path: 'currency', message: (error as Error).message },
    ]);
  }
  notNegativeAt(reportedTotal, totalPath);
  assertReportedTotal(totals, reportedTotal, totalPath);
  const parsed = Order.safeParse({ ...draft, totals });
  if (!parsed.success)
    throw new OrderMappingError('the mapped order is not a valid canonical order', formatIssues(parsed.error));
  return parsed.data;
}

/** A channel's percentage ("8.875") as the canonical decimal rate ("0.08875"), by moving the point, not by float division. */
export function percentToRate(percent: string): string | undefined {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(percent.trim());
  if (!match) return undefined;
  const digits = `${match[1]}${match[2] ?? ''}`.padStart(3 + (match[2]?.length ?? 0), '0');
  const point = digits.length - (match[2]?.length ?? 0) - 2;
  const rate = `${digits.slice(0, point)}.${digits.slice(point)}`.replace(/^0+(?=\d)/, '').replace(/\.?0+$/, '');
  return rate === '' ? '0' : rate;
}

/** A channel float rate (0.0825) as a decimal string without binary noise. */
export function rateFromNumber(rate: number): string {
  return String(Number(rate.toPrecision(12)));
}

/** Any ISO timestamp with an offset, as UTC with milliseconds, so versions compare as strings. */
export function utc(timestamp: string): string {
  return isoStringOf(Date.parse(timestamp));
}
