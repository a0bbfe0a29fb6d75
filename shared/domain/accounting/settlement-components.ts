import type { FeeSchedule } from './chart-of-accounts';
import type { SettlementLine } from './settlement';

/**
 * What a settlement row is, whatever the channel calls it: what the buyer paid for an item (principal,
 * shipping, gift wrap, each tax, each promotion), what the channel kept (each fee type), tax it
 * withheld to remit itself, and a payout's own movements (refunds, disputes, reserves, adjustments),
 * which are money moved, not fees.
 */
export type ComponentKind =
  | 'principal'
  | 'shipping'
  | 'gift_wrap'
  | 'tax'
  | 'promotion'
  | 'charge'
  | 'fee'
  | 'withheld_tax'
  | 'refund'
  | 'dispute'
  | 'reserve'
  | 'adjustment'
  | 'other';

export interface SettlementComponent {
  kind: ComponentKind;
  /** The channel's name for it: "Commission", "FBAPerUnitFulfillmentFee", "ShippingTax", "MarketplaceFacilitatorTax-Principal", "dispute". */
  name: string;
}

/** The parts of what a buyer paid: compared with the order, never booked as fees. */
export const CHARGE_KINDS: ReadonlySet<ComponentKind> = new Set([
  'principal',
  'shipping',
  'gift_wrap',
  'tax',
  'promotion',
  'charge',
]);

const SHOPIFY_KINDS: Record<string, ComponentKind> = {
  charge: 'charge',
  refund: 'refund',
  dispute: 'dispute',
  reserve: 'reserve',
  adjustment: 'adjustment',
  fee: 'fee',
};

/**
 * The component of one settlement row. Amazon: ItemPrice rows are principal, shipping, gift wrap or a
 * tax by their description (Tax, ShippingTax, GiftWrapTax); Promotion rows are promotions;
 * ItemWithheldTax is marketplace-facilitator tax withheld; every other amount type (ItemFees,
 * other-transaction, ...) is a fee named by its description. Shopify: the balance transaction's type;
 * credits, debits and payout failures are "other".
 */
export function settlementComponent(line: SettlementLine): SettlementComponent {
  const name = line.amountDescription || line.amountType;
  if (line.channel !== 'amazon') return { kind: SHOPIFY_KINDS[line.amountType] ?? 'other', name: line.amountType };
  switch (line.amountType) {
    case 'ItemPrice':
      if (/tax/i.test(name)) return { kind: 'tax', name };
      if (/^shipping$/i.test(name)) return { kind: 'shipping', name };
      if (/^giftwrap$/i.test(name)) return { kind: 'gift_wrap', name };
      return { kind: 'principal', name };
    case 'Promotion':
      return { kind: 'promotion', name };
    case 'ItemWithheldTax':
      return { kind: 'withheld_tax', name };
    default:
      return { kind: 'fee', name };
  }
}

/** An item's rows summed by component: `${kind}:${name}` -> minor units, signed as the channel reports. */
export type ComponentSums = Map<string, number>;

export const componentKey = (component: SettlementComponent) => `${component.kind}:${component.name}`;

function sumOf(sums: ComponentSums, kinds: readonly ComponentKind[]): number {
  let total = 0;
  for (const [key, amount] of sums)
    if (kinds.includes(key.slice(0, key.indexOf(':')) as ComponentKind)) total += amount;
  return total;
}

/** What a fee is a percentage of, in the item's own sign (negative on a refund). */
export function feeBase(schedule: FeeSchedule, sums: ComponentSums): number {
  return schedule.base === 'charged'
    ? sumOf(sums, ['charge', 'principal', 'shipping', 'gift_wrap', 'tax', 'promotion'])
    : sumOf(sums, ['principal', 'shipping', 'gift_wrap', 'promotion']);
}

/** Basis points of an amount, rounded half away from zero in integer arithmetic (never a float). */
const percentOf = (amountMinor: number, basisPoints: number) =>
  Math.sign(amountMinor) * Math.floor((Math.abs(amountMinor) * basisPoints + 5_000) / 10_000);

/** The fee the schedule predicts on a sale of `baseMinor` (positive) of this SKU: rate of its category, minimum, fixed part. */
export function scheduledFee(schedule: FeeSchedule, baseMinor: number, sku: string | undefined): number {
  const category = sku ? schedule.categories.find((c) => sku.startsWith(c.skuPrefix)) : undefined;
  const rate = category?.percentBasisPoints ?? schedule.percentBasisPoints;
  const minimum = category?.minimumMinor ?? schedule.minimumMinor;
  return Math.max(percentOf(baseMinor, rate), minimum) + schedule.fixedMinor;
}

/**
 * The fee rows the schedule predicts for one item of one transaction, each as the settlement would
 * sign it (money the channel kept is negative). A sale: -fee. A refund of a sale, when the schedule
 * says what refunds give back: +fee on the refunded base, and the administration fee kept on it.
 * Nothing for an item with no base (a fee-only adjustment) or a refund the schedule says nothing of.
 */
export function expectedFeeRows(
  schedule: FeeSchedule,
  sums: ComponentSums,
  refund: boolean,
  sku: string | undefined,
): Map<string, number> {
  const base = feeBase(schedule, sums);
  const expected = new Map<string, number>();
  if (base === 0) return expected;
  if (!refund) {
    expected.set(schedule.feeType, -scheduledFee(schedule, base, sku));
    return expected;
  }
  if (!schedule.refund) return expected;
  const returned = scheduledFee(schedule, -base, sku);
  const admin = Math.min(percentOf(returned, schedule.refund.adminFeeBasisPoints), schedule.refund.adminFeeMaxMinor);
  expected.set(schedule.feeType, returned);
  expected.set(schedule.refund.adminFeeType, -admin);
  return expected;
}

/** The fee rows the item actually carries, by fee type (the component's name), signed as reported. */
export function feeRows(sums: ComponentSums): Map<string, number> {
  const fees = new Map<string, number>();
  for (const [key, amount] of sums) {
    if (!key.startsWith('fee:')) continue;
    const type = key.slice(4);
    fees.set(type, (fees.get(type) ?? 0) + amount);
  }
  return fees;
}
