import { OrderMappingError } from '#domain/intake/channel-ports';
import { currencyExponent, formatDecimalMoney } from '#domain/kernel/money';
import type { TaxLine } from '#domain/kernel/order';
import { moneyAt, rateFromNumber } from '../order-mapping';
import type { WooCommerceOrderPayload } from './woocommerce-order.schema';

type TaxShares = WooCommerceOrderPayload['line_items'][number]['taxes'];

/** One line's tax at one rate, exactly as sent, in units of 10^-scale. */
interface Share {
  part: 'items' | 'shipping';
  index: number;
  rateId: string;
  exact: bigint;
}

/**
 * The canonical taxes of a WooCommerce order's line items and shipping lines, in whole minor units.
 * A store that rounds tax at the subtotal sends each line's tax per rate unrounded (`taxes[].total`
 * "1.125") and rounds only the rate's sum (`tax_lines[].tax_total`, `shipping_tax_total`) and the
 * order total, which it computes from the unrounded taxes. So the shares are summed exactly, each
 * rate's items and shipping sums are checked against the rate's rounded figures (within one minor
 * unit, which a store's rounding mode can explain), and the tax the total implies (the exact sum,
 * rounded half away from zero, as WooCommerce rounds) is apportioned back by largest remainder: first
 * over the rates, then over each rate's lines, so every amount is within a minor unit of its exact
 * share and the amounts add up to what the buyer paid. Shares already in whole minor units (a store
 * that rounds per line) come out unchanged. Throws OrderMappingError naming the tax line that
 * disagrees with the line taxes.
 */
export function wooCommerceTaxes(
  payload: WooCommerceOrderPayload,
  currency: string,
): { lines: TaxLine[][]; shipping: TaxLine[][] } {
  const exponent = currencyExponent(currency);
  const sent = [
    ...payload.line_items.map((line, index) => ({ part: 'items' as const, index, taxes: line.taxes })),
    ...payload.shipping_lines.map((line, index) => ({ part: 'shipping' as const, index, taxes: line.taxes })),
  ].flatMap(({ part, index, taxes }) => given(taxes).map((share) => ({ part, index, ...share })));
  const scale = Math.max(exponent, ...sent.map((share) => share.total.split('.')[1]?.length ?? 0));
  const unit = 10n ** BigInt(scale - exponent);
  const shares: Share[] = sent.map(({ part, index, rateId, total }) => ({
    part,
    index,
    rateId,
    exact: scaled(total, scale),
  }));

  const groups = new Map<string, Share[]>();
  for (const share of shares) {
    const key = `${share.part}#${share.rateId}`;
    groups.set(key, [...(groups.get(key) ?? []), share]);
  }
  const sumOf = (group: readonly Share[]) => group.reduce((sum, share) => sum + share.exact, 0n);
  checkAgainstTaxLines(payload, currency, groups, sumOf, unit, scale);

  const groupList = [...groups.values()];
  const total = roundHalfAwayFromZero(
    groupList.map(sumOf).reduce((sum, value) => sum + value, 0n),
    unit,
  );
  const amounts = new Map<Share, bigint>();
  const groupTotals = apportion(groupList.map(sumOf), total, unit);
  groupList.forEach((group, g) => {
    const split = apportion(
      group.map((share) => share.exact),
      groupTotals[g],
      unit,
    );
    group.forEach((share, i) => {
      amounts.set(share, split[i]);
    });
  });

  const rates = new Map(payload.tax_lines.map((rate) => [String(rate.rate_id), rate]));
  const taxLine = (share: Share): TaxLine => {
    const rate = rates.get(share.rateId);
    return {
      name: rate?.label ?? `tax rate ${share.rateId}`,
      ...(rate?.rate_percent !== undefined ? { rate: rateFromNumber(rate.rate_percent / 100) } : {}),
      amount: { amountMinor: Number(amounts.get(share)), currency },
    };
  };
  const of = (part: Share['part'], count: number) =>
    Array.from({ length: count }, (_, index) =>
      shares.filter((share) => share.part === part && share.index === index).map(taxLine),
    );
  return { lines: of('items', payload.line_items.length), shipping: of('shipping', payload.shipping_lines.length) };
}

/** The shares that carry an amount: WooCommerce lists a rate that does not apply with an empty total. */
function given(taxes: TaxShares): { rateId: string; total: string }[] {
  return taxes.filter((share) => share.total !== '').map((share) => ({ rateId: String(share.id), total: share.total }));
}

/**
 * Each rate's rounded figures in `tax_lines` must be its line taxes' exact sum rounded, give or take
 * the one minor unit a rounding mode can move it; more than that means the line taxes are not the
 * ones the store totalled.
 */
function checkAgainstTaxLines(
  payload: WooCommerceOrderPayload,
  currency: string,
  groups: ReadonlyMap<string, readonly Share[]>,
  sumOf: (group: readonly Share[]) => bigint,
  unit: bigint,
  scale: number,
): void {
  payload.tax_lines.forEach((rate, r) => {
    for (const [part, field] of [
      ['items', 'tax_total'],
      ['shipping', 'shipping_tax_total'],
    ] as const) {
      const reported = rate[field];
      if (reported === undefined) continue;
      const path = `tax_lines.${r}.${field}`;
      const exact = sumOf(groups.get(`${part}#${String(rate.rate_id)}`) ?? []);
      const rounded = roundHalfAwayFromZero(exact, unit);
      const difference = BigInt(moneyAt(reported, currency, path).amountMinor) - rounded;
      if (difference >= -1n && difference <= 1n) continue;
      const lines = part === 'items' ? 'line items' : 'shipping lines';
      const message = `is ${reported} but the ${lines}' taxes at rate ${String(rate.rate_id)} add up to ${decimal(exact, scale)} (${formatDecimalMoney({ amountMinor: Number(rounded), currency })})`;
      throw new OrderMappingError(`${path}: ${message}`, [{ path, message }]);
    }
  });
}

/** Splits `target` minor units over exact amounts: each gets its floor, the units left go to the largest remainders (the first on a tie). */
function apportion(exact: readonly bigint[], target: bigint, unit: bigint): bigint[] {
  const floors = exact.map((value) => floorDiv(value, unit));
  const left = Number(target - floors.reduce((sum, value) => sum + value, 0n));
  const byRemainder = exact
    .map((value, i) => ({ i, remainder: value - floors[i] * unit }))
    .sort((a, b) => (a.remainder === b.remainder ? a.i - b.i : a.remainder > b.remainder ? -1 : 1));
  for (const { i } of byRemainder.slice(0, left)) floors[i] += 1n;
  return floors;
}

function floorDiv(value: bigint, unit: bigint): bigint {
  const quotient = value / unit;
  return value % unit !== 0n && value < 0n ? quotient - 1n : quotient;
}

function roundHalfAwayFromZero(value: bigint, unit: bigint): bigint {
  const magnitude = (2n * (value < 0n ? -value : value) + unit) / (2n * unit);
  return value < 0n ? -magnitude : magnitude;
}

/** A decimal string ("-1.125") as an integer of 10^-scale units, exactly. */
function scaled(text: string, scale: number): bigint {
  const [whole, fraction = ''] = text.replace(/^-/, '').split('.');
  const units = BigInt(whole + fraction.padEnd(scale, '0'));
  return text.startsWith('-') ? -units : units;
}

function decimal(units: bigint, scale: number): string {
  const digits = (units < 0n ? -units : units).toString().padStart(scale + 1, '0');
  const text = scale > 0 ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
  return units < 0n ? `-${text}` : text;
}
