import * as z from '#domain/kernel/schema';
import { readPolicy } from '#shared/config/env';
import { SalesChannel } from '#domain/kernel/order';

/**
 * Which ledger account each amount the fabric books goes to, and how marketplace settlements are
 * checked. Account codes are the ERP's own (a G/L account number in Business Central, an account id in
 * NetSuite): the fabric never invents one. Defaults below; FABRIC_ACCOUNTING_POLICY (JSON whose
 * top-level sections replace these) overrides them locally and in tests; the stack sets none, so in AWS
 * the reviewed mapping in this file is the one every function reads.
 */

const AccountCode = z.string().check(z.trim(), z.minLength(1), z.maxLength(20));

const BasisPoints = z.number().check(z.int(), z.gte(0), z.lte(10_000));

/**
 * A channel's fee schedule as data: the fee it predicts (`feeType`, the settlement's own name for
 * it), `percentBasisPoints` of a named base plus `fixedMinor`, at least `minimumMinor`, per item (per
 * balance transaction on a payout). Bases: `charged` is what the buyer was charged, tax included
 * (Shopify Payments' processing fee); `item_and_shipping_excluding_tax` is the item's price, shipping
 * and gift wrap less its promotions, no tax (Amazon's referral fee on the "total sales price").
 */
export const FeeSchedule = z.object({
  feeType: z._default(z.string().check(z.minLength(1)), 'fee'),
  base: z._default(z.enum(['charged', 'item_and_shipping_excluding_tax']), 'charged'),
  percentBasisPoints: BasisPoints,
  fixedMinor: z._default(z.number().check(z.int(), z.gte(0)), 0),
  minimumMinor: z._default(z.number().check(z.int(), z.gte(0)), 0),
  /**
   * Rates per category, for channels that price by category (Amazon). Neither the settlement nor the
   * canonical order names the channel's category, so a category is the SKUs that start with its prefix.
   */
  categories: z._default(
    z.array(
      z.object({
        skuPrefix: z.string().check(z.minLength(1)),
        percentBasisPoints: BasisPoints,
        minimumMinor: z.optional(z.number().check(z.int(), z.gte(0))),
      }),
    ),
    [],
  ),
  /**
   * What a refund gives back: the fee in full, less an administration fee (`adminFeeType`) of
   * `adminFeeBasisPoints` of the fee returned, at most `adminFeeMaxMinor` per item. Absent: a refund
   * gives nothing back and its fees are not checked.
   */
  refund: z.optional(
    z.object({
      adminFeeType: z.string().check(z.minLength(1)),
      adminFeeBasisPoints: BasisPoints,
      adminFeeMaxMinor: z.number().check(z.int(), z.gte(0)),
    }),
  ),
  /** A settled fee further than this from the schedule is a FEE_VARIANCE exception. */
  toleranceMinor: z._default(z.number().check(z.int(), z.gte(0)), 0),
});
export type FeeSchedule = z.infer<typeof FeeSchedule>;

export const ChannelAccounting = z.object({
  /**
   * Where a sale's money is owed from until it arrives: the channel's clearing account for a
   * marketplace that pays out in settlements, otherwise accounts receivable.
   */
  settlementAccount: AccountCode,
  /** The channel pays out through settlement reports: its booked orders must appear in one within `neverSettledAfterDays`. */
  settles: z._default(z.boolean(), false),
  expectedFees: z.optional(FeeSchedule),
});
export type ChannelAccounting = z.infer<typeof ChannelAccounting>;

export const AccountingPolicy = z.object({
  accounts: z.object({
    accountsReceivable: AccountCode,
    salesRevenue: AccountCode,
    shippingIncome: AccountCode,
    /** Contra-revenue: line and shipping discounts. */
    salesDiscounts: AccountCode,
    salesTaxPayable: AccountCode,
    /** Contra-revenue: refunded money no returned line or shipping explains (goodwill, restocking fees kept). */
    refundAllowances: AccountCode,
    marketplaceFees: AccountCode,
  }),
  /** Channels absent here use accounts receivable and are not expected to settle. */
  channels: z.partialRecord(SalesChannel, ChannelAccounting),
  /** POS tender method (lower case, as the till reports it) to the account the money lands in. */
  tenders: z.record(z.string().check(z.minLength(1)), AccountCode),
  /** A tender method nobody mapped: booked here (a suspense account) rather than refused. */
  unmappedTenderAccount: AccountCode,
  settlement: z.object({
    /** A booked sale of a settling channel that no settlement has named after this many days is a NEVER_SETTLED exception. */
    neverSettledAfterDays: z.number().check(z.int(), z.gte(1), z.lte(365)),
    /** How many days before the cut-off the scheduled check still looks at (older ones were reported already). */
    lookbackDays: z.number().check(z.int(), z.gte(1), z.lte(31)),
    /** An order's settled charges further than this from its total are an AMOUNT_VARIANCE exception. */
    amountToleranceMinor: z.number().check(z.int(), z.gte(0)),
  }),
});
export type AccountingPolicy = z.infer<typeof AccountingPolicy>;

/** A small retailer's chart: marketplaces settle to clearing accounts, the web shop and others to receivables. */
export const DEFAULT_ACCOUNTING_POLICY: z.input<typeof AccountingPolicy> = {
  accounts: {
    accountsReceivable: '1200',
    salesRevenue: '4000',
    shippingIncome: '4100',
    salesDiscounts: '4900',
    salesTaxPayable: '2200',
    refundAllowances: '4950',
    marketplaceFees: '6150',
  },
  channels: {
    amazon: {
      settlementAccount: '1310',
      settles: true,
      // Referral fee: 15% of the total sales price (item, shipping, gift wrap; no tax), $0.30 minimum per
      // item; a refund returns it less a refund administration fee of 20% of it, at most $5.00 per item
      // (Seller Central, "Refund administration fee": sellercentral.amazon.com/gp/help/external/GDC3U6FWF4JJJJC7
      // and its worked examples, help page 200387220).
      expectedFees: {
        feeType: 'Commission',
        base: 'item_and_shipping_excluding_tax',
        percentBasisPoints: 1500,
        minimumMinor: 30,
        refund: { adminFeeType: 'RefundCommission', adminFeeBasisPoints: 2000, adminFeeMaxMinor: 500 },
        toleranceMinor: 1,
      },
    },
    shopify: {
      settlementAccount: '1320',
      settles: true,
      // Shopify Payments: 2.9% + 30 cents of each charge, tax included; a refund gives no fee back.
      expectedFees: { feeType: 'fee', base: 'charged', percentBasisPoints: 290, fixedMinor: 30, toleranceMinor: 1 },
    },
    ebay: { settlementAccount: '1330' },
    walmart: { settlementAccount: '1340' },
  },
  // prepaid: an online order's pickup handed over at the till, paid on the channel (clearing; see pos-entries.ts).
  tenders: { cash: '1000', card: '1150', gift_card: '2300', voucher: '2310', prepaid: '2390' },
  unmappedTenderAccount: '1190',
  settlement: { neverSettledAfterDays: 14, lookbackDays: 7, amountToleranceMinor: 0 },
};

/** Reads the policy once, at cold start; throws ConfigError naming the failing path. */
export function loadAccountingPolicy(env: NodeJS.ProcessEnv = process.env): AccountingPolicy {
  return readPolicy(AccountingPolicy, DEFAULT_ACCOUNTING_POLICY, 'FABRIC_ACCOUNTING_POLICY', env);
}

/** Where a channel's sales are owed from: its clearing account, or accounts receivable. */
export function settlementAccountFor(policy: AccountingPolicy, channel: SalesChannel): string {
  return policy.channels[channel]?.settlementAccount ?? policy.accounts.accountsReceivable;
}

/** The account a POS tender lands in; an unmapped method goes to the suspense account. */
export function tenderAccountFor(policy: AccountingPolicy, method: string): string {
  return policy.tenders[method.toLowerCase()] ?? policy.unmappedTenderAccount;
}
