import { z } from 'zod';
import { readPolicy } from '#shared/config/env';
import { SalesChannel } from '#domain/kernel/order';

/**
 * Which ledger account each amount the fabric books goes to, and how marketplace settlements are
 * checked. Account codes are the ERP's own (a G/L account number in Business Central, an account id in
 * NetSuite): the fabric never invents one. Defaults below; FABRIC_ACCOUNTING_POLICY (JSON whose
 * top-level sections replace these) overrides them locally and in tests; the stack sets none, so in AWS
 * the reviewed mapping in this file is the one every function reads.
 */

const AccountCode = z.string().trim().min(1).max(20);

/** Expected marketplace fee on an order: `percentBasisPoints` of what the buyer paid plus `fixedMinor`, per order. */
export const FeeSchedule = z.object({
  percentBasisPoints: z.number().int().min(0).max(10_000),
  fixedMinor: z.number().int().min(0).default(0),
  /** A settled fee further than this from the schedule is a FEE_VARIANCE exception. */
  toleranceMinor: z.number().int().min(0).default(0),
});
export type FeeSchedule = z.infer<typeof FeeSchedule>;

export const ChannelAccounting = z.object({
  /**
   * Where a sale's money is owed from until it arrives: the channel's clearing account for a
   * marketplace that pays out in settlements, otherwise accounts receivable.
   */
  settlementAccount: AccountCode,
  /** The channel pays out through settlement reports: its booked orders must appear in one within `neverSettledAfterDays`. */
  settles: z.boolean().default(false),
  expectedFees: FeeSchedule.optional(),
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
  tenders: z.record(z.string().min(1), AccountCode),
  /** A tender method nobody mapped: booked here (a suspense account) rather than refused. */
  unmappedTenderAccount: AccountCode,
  settlement: z.object({
    /** A booked sale of a settling channel that no settlement has named after this many days is a NEVER_SETTLED exception. */
    neverSettledAfterDays: z.number().int().min(1).max(365),
    /** How many days before the cut-off the scheduled check still looks at (older ones were reported already). */
    lookbackDays: z.number().int().min(1).max(31),
    /** An order's settled charges further than this from its total are an AMOUNT_VARIANCE exception. */
    amountToleranceMinor: z.number().int().min(0),
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
      expectedFees: { percentBasisPoints: 1500, fixedMinor: 0, toleranceMinor: 1 },
    },
    shopify: {
      settlementAccount: '1320',
      settles: true,
      expectedFees: { percentBasisPoints: 290, fixedMinor: 30, toleranceMinor: 1 },
    },
    ebay: { settlementAccount: '1330' },
    walmart: { settlementAccount: '1340' },
  },
  tenders: { cash: '1000', card: '1150', gift_card: '2300', voucher: '2310' },
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
