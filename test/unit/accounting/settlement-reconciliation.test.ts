import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { AccountingPolicy, DEFAULT_ACCOUNTING_POLICY } from '#domain/accounting/chart-of-accounts';
import {
  SettlementFormatError,
  readAmazonSettlement,
  readShopifyPayout,
  type SettlementRecord,
} from '#domain/accounting/settlement-report';
import {
  MAX_FEE_LINES_PER_ENTRY,
  feeEntries,
  reconcileSettlement,
  reconcileSettlementUpload,
  type SettledOrder,
  type SettlementReport,
} from '#domain/accounting/settlement-reconciliation';
import { reportNeverSettled } from '#domain/accounting/settlement-watch';
import type { FabricEvent } from '#domain/kernel/event';
import { Order, computeOrderTotals, orderIdFor, type SalesChannel } from '#domain/kernel/order';
import type { SettlementLine } from '#domain/accounting/settlement';
import { expectedFeeRows, scheduledFee } from '#domain/accounting/settlement-components';
import { money } from '../builders';
import { amazonSettlementOrders } from '../../fixtures/settlement/amazon-settlement-orders';

const policy = AccountingPolicy.parse(DEFAULT_ACCOUNTING_POLICY);
const fixture = (name: string) => readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'settlement', name));

async function collect(records: AsyncIterable<SettlementRecord>): Promise<SettlementRecord[]> {
  const out: SettlementRecord[] = [];
  for await (const record of records) out.push(record);
  return out;
}

async function* chunks(...parts: (string | Buffer)[]): AsyncGenerator<Buffer> {
  for (const part of parts) yield Buffer.from(part);
}

/** A placed order of `quantity` units at `unitMinor` (10.00) on one line whose channel line id is `{channelOrderId}-1`. */
function order(channel: SalesChannel, channelOrderId: string, quantity: number, unitMinor = 1000): Order {
  const lines = [
    {
      lineId: '1',
      channelLineId: `${channelOrderId}-1`,
      sku: 'TEE',
      channelSku: 'TEE',
      quantity,
      unitPrice: money(unitMinor),
      discount: money(0),
      taxes: [],
    },
  ];
  return Order.parse({
    orderId: orderIdFor(channel, channelOrderId),
    channel,
    channelOrderId,
    status: 'shipped',
    currency: 'USD',
    placedAt: '2026-11-10T10:00:00Z',
    channelUpdatedAt: '2026-11-10T10:00:00Z',
    taxesIncluded: false,
    lines,
    shipping: [],
    fees: [],
    totals: computeOrderTotals({ currency: 'USD', taxesIncluded: false, lines, shipping: [] }),
  });
}

function fakes(known: Order[]) {
  const published: FabricEvent[] = [];
  const settled: string[] = [];
  const saved: { report?: SettlementReport; orders?: readonly SettledOrder[] } = {};
  return {
    published,
    settled,
    saved,
    ports: {
      orders: {
        getOrder: async (orderId: string) => {
          const found = known.find((o) => o.orderId === orderId);
          return found ? { order: found } : undefined;
        },
      },
      settlements: {
        markSettled: async (orderId: string) => {
          settled.push(orderId);
        },
        saveReport: async (report: SettlementReport, orders: readonly SettledOrder[]) => {
          Object.assign(saved, { report, orders });
        },
      },
      publisher: {
        publish: async (events: readonly FabricEvent[]) => {
          published.push(...events);
        },
      },
      policy,
    },
  };
}

describe('Amazon flat file V2', () => {
  it('reads the summary row as the header and each amount row as a line, columns found by name', async () => {
    const records = await collect(readAmazonSettlement(chunks(fixture('amazon-settlement-v2.tsv'))));

    expect(records[0]).toEqual({
      kind: 'header',
      header: {
        settlementId: '24681357901',
        channel: 'amazon',
        currency: 'USD',
        startDate: '2026-11-09T00:00:00+00:00',
        endDate: '2026-11-23T00:00:00+00:00',
        depositDate: '2026-11-25T00:00:00+00:00',
        totalAmount: money(2501),
      },
    });
    expect(records).toHaveLength(7);
    expect(records[2]).toEqual({
      kind: 'line',
      line: {
        settlementId: '24681357901',
        channel: 'amazon',
        lineNumber: 4,
        transactionType: 'Order',
        channelOrderId: '111-0000001-0000001',
        channelLineId: '111-0000001-0000001-1',
        sku: 'TEE-RED-M',
        amountType: 'ItemFees',
        amountDescription: 'Commission',
        amount: money(-300),
        postedAt: '2026-11-20T14:03:11Z',
      },
    });
  });

  it('reads a gzipped report split at any byte the same way', async () => {
    const gz = gzipSync(fixture('amazon-settlement-v2.tsv'));

    const records = await collect(readAmazonSettlement(chunks(gz.subarray(0, 7), gz.subarray(7))));

    expect(records).toEqual(await collect(readAmazonSettlement(chunks(fixture('amazon-settlement-v2.tsv')))));
  });

  it('refuses a report without the amount column, and an amount with more decimals than its currency, naming line and field', async () => {
    const text = fixture('amazon-settlement-v2.tsv').toString();
    const withoutAmount = text.replace('\tamount\t', '\tamount-x\t');
    const badAmount = text.replace('\t-3.00\t', '\t-3.001\t');

    await expect(collect(readAmazonSettlement(chunks(withoutAmount)))).rejects.toThrow(
      new SettlementFormatError('is missing the column(s) amount', 'header', 1),
    );
    await expect(collect(readAmazonSettlement(chunks(badAmount)))).rejects.toThrow(
      /^line 4: amount: "-3.001" has more than 2 decimals for USD$/,
    );
  });
});

describe('Shopify payouts', () => {
  it('reads each balance transaction as a line with its fee as a negative fee line, and skips the payout itself', () => {
    const records = readShopifyPayout(fixture('shopify-payout.json').toString());

    expect(records[0]).toEqual({
      kind: 'header',
      header: {
        settlementId: '512467833',
        channel: 'shopify',
        currency: 'USD',
        depositDate: '2026-11-24',
        totalAmount: money(4754),
      },
    });
    expect(
      records
        .slice(1)
        .map(
          (r) =>
            r.kind === 'line' && [
              r.line.lineNumber,
              r.line.amountType,
              r.line.channelOrderId,
              r.line.amount.amountMinor,
            ],
        ),
    ).toEqual([
      [1, 'charge', '5600000000101', 2000],
      [1, 'fee', '5600000000101', -88],
      [2, 'charge', '5600000000102', 3000],
      [2, 'fee', '5600000000102', -117],
      [3, 'adjustment', undefined, -41],
    ]);
  });

  it('refuses a payout whose transaction amount is not a decimal, naming the field', () => {
    const json = JSON.parse(fixture('shopify-payout.json').toString());
    json.transactions[1].amount = 'thirty';

    expect(() => readShopifyPayout(JSON.stringify(json))).toThrow(/transactions\.1\.amount/);
  });
});

describe('reconciliation', () => {
  const known = [order('amazon', '111-0000001-0000001', 2), order('amazon', '111-0000002-0000002', 4)];

  it('matches orders, raises exactly a fee variance and an unknown order, books fees and stores the report', async () => {
    const { ports, published, settled, saved } = fakes(known);

    const { report, exceptions } = await reconcileSettlement(
      readAmazonSettlement(chunks(fixture('amazon-settlement-v2.tsv'))),
      's3://b/incoming/amazon/s.tsv',
      ports,
      new Date('2026-11-25T08:00:00Z'),
    );

    expect(exceptions.map((e) => [e.reason, e.channelOrderId])).toEqual([
      ['FEE_VARIANCE', '111-0000002-0000002'],
      ['UNKNOWN_ORDER', '111-9999999-9999999'],
    ]);
    expect(exceptions[0]).toMatchObject({ expected: money(600), actual: money(700), lineNumbers: [5, 6] });
    expect(report.counts).toEqual({ lines: 6, orders: 3, matched: 1, variance: 1, unmatched: 1, accountLines: 1 });
    expect(settled).toEqual(known.map((o) => o.orderId));
    expect(saved.orders?.find((o) => o.channelOrderId === '111-0000001-0000001')).toMatchObject({
      status: 'matched',
      orderLineIds: ['1'],
      charges: money(2000),
      fees: money(300),
    });
    const entries = published
      .filter((e) => e.detailType === 'JournalEntryPrepared')
      .map((e) => (e.data as { entry: { entryId: string; lines: unknown[] } }).entry);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ entryId: 'fees:amazon:24681357901:1', postingDate: '2026-11-25' });
    expect(entries[0].lines).toEqual(
      expect.arrayContaining([
        {
          account: '6150',
          debitMinor: 300,
          creditMinor: 0,
          reference: 'settlement:24681357901:line:4',
          memo: 'ItemFees Commission',
        },
        {
          account: '6150',
          debitMinor: 3999,
          creditMinor: 0,
          reference: 'settlement:24681357901:line:8',
          memo: 'other-transaction Subscription Fee',
        },
        { account: '1310', debitMinor: 0, creditMinor: 300 + 700 + 3999, reference: 'settlement:24681357901' },
      ]),
    );
    expect(published.filter((e) => e.detailType === 'ReconciliationException')).toHaveLength(2);
  });

  it('raises an amount variance when what the buyer paid is not the order total', async () => {
    const { ports } = fakes([order('amazon', '111-0000001-0000001', 3), known[1]]);

    const { exceptions } = await reconcileSettlement(
      readAmazonSettlement(chunks(fixture('amazon-settlement-v2.tsv'))),
      'src',
      ports,
    );

    expect(exceptions.find((e) => e.reason === 'AMOUNT_VARIANCE')).toMatchObject({
      channelOrderId: '111-0000001-0000001',
      expected: money(3000),
      actual: money(2000),
    });
  });

  it('raises a fee variance when the marketplace kept less than its schedule, as when it kept more', async () => {
    const { ports } = fakes(known);
    const undercharged = fixture('amazon-settlement-v2.tsv').toString().replace('\t-7.00\t', '\t-5.00\t');

    const { exceptions } = await reconcileSettlement(readAmazonSettlement(chunks(undercharged)), 'src', ports);

    expect(exceptions.filter((e) => e.reason === 'FEE_VARIANCE')).toEqual([
      expect.objectContaining({ channelOrderId: '111-0000002-0000002', expected: money(600), actual: money(500) }),
    ]);
  });

  it("lets a fee within the schedule's tolerance through, below it as above it", async () => {
    for (const fee of ['-5.99', '-6.01']) {
      const { ports } = fakes(known);
      const withinTolerance = fixture('amazon-settlement-v2.tsv').toString().replace('\t-7.00\t', `\t${fee}\t`);

      const { exceptions } = await reconcileSettlement(readAmazonSettlement(chunks(withinTolerance)), 'src', ports);

      expect(exceptions.filter((e) => e.reason === 'FEE_VARIANCE')).toEqual([]);
    }
  });

  it('matches a Shopify payout whose fees follow the 2.9% + 30c schedule', async () => {
    const { ports } = fakes([order('shopify', '5600000000101', 2), order('shopify', '5600000000102', 3)]);

    const { report, exceptions } = await reconcileSettlement(
      readShopifyPayout(fixture('shopify-payout.json').toString()),
      'src',
      ports,
    );

    expect(exceptions).toEqual([]);
    expect(report.counts).toMatchObject({ matched: 2, variance: 0, unmatched: 0, accountLines: 1 });
  });

  it('says whether an upload it reconciled adds up to its deposit', async () => {
    const { ports } = fakes(known);

    const outcome = await reconcileSettlementUpload(
      {
        channel: 'amazon',
        source: 's3://b/incoming/amazon/s.tsv',
        open: async () => chunks(fixture('amazon-settlement-v2.tsv')),
      },
      ports,
    );

    expect(outcome).toMatchObject({
      outcome: 'reconciled',
      settlementId: '24681357901',
      balanced: true,
      exceptions: 2,
    });
  });

  it('raises REPORT_REJECTED for an unreadable upload and reconciles nothing of it', async () => {
    const { ports, published, saved } = fakes(known);

    const outcome = await reconcileSettlementUpload(
      { channel: 'shopify', source: 's3://b/incoming/shopify/p.json', open: async () => chunks('{not json') },
      ports,
    );

    expect(outcome).toMatchObject({ outcome: 'rejected' });
    expect(saved.report).toBeUndefined();
    expect(published.map((e) => (e.data as { reason: string }).reason)).toEqual(['REPORT_REJECTED']);
  });

  it("splits a large settlement's fees into balanced entries of bounded size", () => {
    const lines: SettlementLine[] = Array.from({ length: MAX_FEE_LINES_PER_ENTRY + 3 }, (_, i) => ({
      settlementId: 'S1',
      channel: 'amazon',
      lineNumber: i + 2,
      amountType: 'ItemFees',
      amountDescription: 'Commission',
      amount: money(-(i + 1)),
    }));

    const entries = feeEntries(
      { settlementId: 'S1', channel: 'amazon', currency: 'USD', depositDate: '2026-11-25' },
      lines,
      policy,
    );

    expect(entries.map((e) => [e.entryId, e.lines.length])).toEqual([
      ['fees:amazon:S1:1', MAX_FEE_LINES_PER_ENTRY + 1],
      ['fees:amazon:S1:2', 4],
    ]);
  });
});

describe('reconciliation per item and component', () => {
  const { twoItems, feeOff, refunded } = amazonSettlementOrders();
  const amazon = policy.channels.amazon!.expectedFees!;
  const reconcileItems = (text = fixture('amazon-settlement-v2-items.tsv').toString()) => {
    const { ports, saved, published } = fakes([twoItems, feeOff, refunded]);
    return reconcileSettlement(readAmazonSettlement(chunks(text)), 'src', ports).then((result) => ({
      ...result,
      saved,
      published,
    }));
  };

  it('raises exactly one fee variance, on the item and fee type whose referral fee is off the schedule, and the unknown order', async () => {
    const { exceptions } = await reconcileItems();

    expect(exceptions.map((e) => [e.reason, e.channelOrderId, e.channelLineId, e.feeType])).toEqual([
      ['FEE_VARIANCE', feeOff.channelOrderId, '41000000000003', 'Commission'],
      ['UNKNOWN_ORDER', '112-9999999-9999999', undefined, undefined],
    ]);
    // 15% of 18.00 is 2.70; Amazon kept 3.24. Its FBA fee has no schedule: counted, not checked.
    expect(exceptions[0]).toMatchObject({
      expected: money(270),
      actual: money(324),
      lineNumbers: [15, 16, 17, 18, 19],
    });
  });

  it('keeps each item by component and matches it to its order line by Amazon order-item-code', async () => {
    const { orders } = await reconcileItems();
    const settled = orders.find((o) => o.channelOrderId === twoItems.channelOrderId)!;

    expect(settled).toMatchObject({
      status: 'matched',
      orderLineIds: ['1', '2'],
      charges: money(5994),
      fees: money(825),
      expectedCharges: money(5994),
      expectedFees: money(825),
    });
    expect(settled.items?.[1]).toEqual({
      transactionType: 'Order',
      channelLineId: '41000000000002',
      orderLineId: '2',
      sku: 'TEE-RED-M',
      lineNumbers: [10, 11, 12, 13, 14],
      components: [
        { kind: 'principal', name: 'Principal', amount: money(3000) },
        { kind: 'tax', name: 'Tax', amount: money(248) },
        { kind: 'promotion', name: 'Principal', amount: money(-500) },
        { kind: 'withheld_tax', name: 'MarketplaceFacilitatorTax-Principal', amount: money(-248) },
        { kind: 'fee', name: 'Commission', amount: money(-375) },
      ],
      // 15% of 30.00 - 5.00: the referral fee is on what the buyer paid for the item, without tax.
      fees: [{ feeType: 'Commission', actual: money(-375), expected: money(-375) }],
    });
  });

  it('checks a refund against the referral fee returned less the refund administration fee, and counts its fee rows', async () => {
    const { orders } = await reconcileItems();
    const settled = orders.find((o) => o.channelOrderId === refunded.channelOrderId)!;

    expect(settled).toMatchObject({ status: 'matched', charges: money(0), refunds: money(-2706), fees: money(-300) });
    expect(settled.items?.[0].fees).toEqual([
      { feeType: 'Commission', actual: money(375), expected: money(375) },
      { feeType: 'RefundCommission', actual: money(-75), expected: money(-75) },
    ]);
  });

  it('counts every row once, matched, unmatched or other, and they add up to the deposit', async () => {
    const { report } = await reconcileItems();

    expect(report.balance).toEqual({
      rows: { matched: 22, unmatched: 2, other: 1 },
      matched: money(3628),
      unmatched: money(850),
      other: money(-3999),
      counted: money(479),
      deposit: money(479),
      balanced: true,
    });
    expect(report.counts.lines).toBe(22 + 2 + 1);
  });

  it('raises an amount variance naming the deposit when the rows do not add up to it', async () => {
    const text = fixture('amazon-settlement-v2-items.tsv').toString().replace('\t4.79\t', '\t5.79\t');

    const { exceptions, report } = await reconcileItems(text);

    expect(report.balance?.balanced).toBe(false);
    expect(exceptions.filter((e) => e.reason === 'AMOUNT_VARIANCE')).toEqual([
      expect.objectContaining({
        lineNumbers: [],
        expected: money(579),
        actual: money(479),
        detail: expect.stringContaining('its deposit (total-amount) is 579'),
      }),
    ]);
  });

  it('raises an unknown order line for an item the order does not have, counted unmatched', async () => {
    const text = fixture('amazon-settlement-v2-items.tsv')
      .toString()
      .replaceAll('\t41000000000003\t', '\t41000000000077\t');

    const { exceptions, report } = await reconcileItems(text);

    expect(exceptions.map((e) => [e.reason, e.channelLineId])).toEqual([
      ['UNKNOWN_ORDER_LINE', '41000000000077'],
      ['UNKNOWN_ORDER', undefined],
    ]);
    expect(report.balance?.unmatched).toEqual(money(850 + 1154));
  });

  it("charges Amazon's referral fee minimum on a cheap item, and a category's own rate by SKU prefix", () => {
    const byCategory = { ...amazon, categories: [{ skuPrefix: 'MUG-', percentBasisPoints: 800 }] };

    expect(scheduledFee(amazon, 150, 'TEE-RED-M')).toBe(30);
    expect(scheduledFee(byCategory, 2500, 'MUG-BLU')).toBe(200);
    expect(scheduledFee(byCategory, 2500, 'TEE-RED-M')).toBe(375);
  });

  it("returns a refund's referral fee less 20% of it, at most 5.00 per item (Amazon's worked example)", () => {
    const refundOf = (principal: number, shipping: number, giftWrap: number) =>
      expectedFeeRows(
        amazon,
        new Map([
          ['principal:Principal', -principal],
          ['shipping:Shipping', -shipping],
          ['gift_wrap:GiftWrap', -giftWrap],
          ['tax:Tax', -2500],
        ]),
        true,
        'ANY',
      );

    expect(refundOf(30_000, 4_000, 500)).toEqual(
      new Map([
        ['Commission', 5175],
        ['RefundCommission', -500],
      ]),
    );
    expect(refundOf(5_000, 500, 200)).toEqual(
      new Map([
        ['Commission', 855],
        ['RefundCommission', -171],
      ]),
    );
  });

  it("keeps a Shopify payout's dispute, adjustment and reserve out of fees, checking each charge's fee alone", async () => {
    const { ports, published } = fakes([
      order('shopify', '5600000000201', 1, 5300),
      order('shopify', '5600000000202', 1, 12000),
    ]);

    const { orders, exceptions, report } = await reconcileSettlement(
      readShopifyPayout(fixture('shopify-payout-dispute.json').toString()),
      'src',
      ports,
    );

    expect(exceptions).toEqual([]);
    expect(orders.find((o) => o.channelOrderId === '5600000000201')).toMatchObject({
      status: 'matched',
      charges: money(5300),
      // The charge's 1.84 and the dispute's 15.00 fee; the 53.00 clawed back and the 2.00 adjustment are not fees.
      fees: money(1500 + 184),
      other: money(-5300 + 200),
      expectedFees: money(1500 + 184),
    });
    expect(report.balance).toMatchObject({ other: money(-1000), counted: money(9138), balanced: true });
    const feeLines = published
      .filter((e) => e.detailType === 'JournalEntryPrepared')
      .flatMap((e) => (e.data as { entry: { lines: { debitMinor: number; memo?: string }[] } }).entry.lines)
      .filter((l) => l.debitMinor > 0);
    expect(feeLines.map((l) => [l.memo, l.debitMinor])).toEqual([
      ['fee fee on balance transaction 699520001', 184],
      ['fee fee on balance transaction 699520002', 378],
      ['fee fee on balance transaction 699520003', 1500],
    ]);
  });
});

describe('never settled', () => {
  it('reports a sale booked N days ago that no settlement named, once', async () => {
    const late = order('amazon', '111-0000003-0000003', 1);
    const awaiting = new Map([[late.orderId, '2026-11-09']]);
    const published: FabricEvent[] = [];
    const ports = {
      watch: {
        awaitingSince: async (date: string) =>
          [...awaiting].filter(([, since]) => since === date).map(([orderId, since]) => ({ orderId, since })),
        markNeverSettledReported: async (orderId: string) => awaiting.delete(orderId),
      },
      orders: { getOrder: async (orderId: string) => (orderId === late.orderId ? { order: late } : undefined) },
      publisher: {
        publish: async (events: readonly FabricEvent[]) => {
          published.push(...events);
        },
      },
      policy,
    };

    expect(await reportNeverSettled(ports, new Date('2026-11-22T12:00:00Z'))).toEqual({ reported: 0 });
    expect(await reportNeverSettled(ports, new Date('2026-11-23T12:00:00Z'))).toEqual({ reported: 1 });
    expect(await reportNeverSettled(ports, new Date('2026-11-24T12:00:00Z'))).toEqual({ reported: 0 });
    expect(published.map((e) => e.data)).toEqual([
      expect.objectContaining({ reason: 'NEVER_SETTLED', orderId: late.orderId, expected: money(1000) }),
    ]);
  });
});
