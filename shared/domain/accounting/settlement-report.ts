import * as z from '#domain/kernel/schema';
import { MoneyFormatError, parseDecimalMoney, type Money } from '#domain/kernel/money';
import { SettlementHeader, SettlementLine } from './settlement';
import { decompressed, lineBatches, type ByteChunks } from '#shared/text/byte-stream';
import { PermanentError } from '#domain/kernel/errors';

/**
 * Marketplace settlement reports as the marketplaces write them, read into SettlementHeader and
 * SettlementLines. Amazon's flat file V2 is read as a stream of lines (gzip by its magic bytes), so
 * memory does not grow with the report; a Shopify payout is one JSON document (a payout and its
 * balance transactions), read whole up to MAX_PAYOUT_BYTES.
 */

export class SettlementFormatError extends PermanentError {
  override name = 'SettlementFormatError';
  readonly statusCode = 400;
  constructor(
    message: string,
    readonly field: string,
    readonly lineNumber?: number,
    options?: ErrorOptions,
  ) {
    super(lineNumber ? `line ${lineNumber}: ${field}: ${message}` : `${field}: ${message}`, options);
  }
}

export type SettlementRecord = { kind: 'header'; header: SettlementHeader } | { kind: 'line'; line: SettlementLine };

/**
 * A settlement report's records, read in the format its channel writes, header first. The one way
 * the settlement ingest and `ops settlement upload` both read a report, so the settlement id the
 * upload prints is the one the reconciliation is stored under.
 */
export async function* readSettlementReport(
  channel: 'amazon' | 'shopify',
  raw: ByteChunks,
): AsyncGenerator<SettlementRecord> {
  if (channel === 'amazon') yield* readAmazonSettlement(raw);
  else yield* readShopifyPayout(await payoutText(raw));
}

/** Settlement reports land under incoming/{channel}/...: the path names the format. */
export function settlementChannelOf(key: string): 'amazon' | 'shopify' | undefined {
  const channel = /^incoming\/(amazon|shopify)\//.exec(key)?.[1];
  return channel as 'amazon' | 'shopify' | undefined;
}

// --- Amazon: _GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2_ --------------------------------------

const AMAZON_REQUIRED = [
  'settlement-id',
  'currency',
  'transaction-type',
  'order-id',
  'amount-type',
  'amount-description',
  'amount',
] as const;

/**
 * Reads Amazon's tab-separated settlement report (flat file V2): a header row of column names, a
 * summary row (settlement-id, settlement-start-date, settlement-end-date, deposit-date,
 * total-amount, currency, no transaction-type), then one row per amount: transaction-type,
 * order-id, amount-type (ItemPrice, ItemFees, Promotion, ...), amount-description (Principal,
 * Commission, ...), amount, order-item-code, sku, posted-date-time. Columns are found by name, so
 * their order and any extra ones do not matter. Yields the header first, then each line. Throws
 * SettlementFormatError naming the line and column of the first thing it cannot read: a settlement is
 * reconciled whole or not at all.
 */
export async function* readAmazonSettlement(raw: ByteChunks): AsyncGenerator<SettlementRecord> {
  const { chunks } = await decompressed(raw);
  let columns: Map<string, number> | undefined;
  let header: SettlementHeader | undefined;
  for await (const batch of lineBatches(chunks)) {
    for (const { lineNumber, text, tooLong } of batch) {
      if (tooLong) throw new SettlementFormatError('is longer than a settlement row can be', 'row', lineNumber);
      if (text.trim() === '') continue;
      const cells = text.split('\t');
      if (!columns) {
        const named = new Map(cells.map((name, i) => [name.trim().toLowerCase(), i]));
        const missing = AMAZON_REQUIRED.filter((name) => !named.has(name));
        if (missing.length)
          throw new SettlementFormatError(`is missing the column(s) ${missing.join(', ')}`, 'header', lineNumber);
        columns = named;
        continue;
      }
      const columnOf = columns;
      const cell = (name: string) => {
        const column = columnOf.get(name);
        return column === undefined ? '' : (cells[column] ?? '').trim();
      };
      if (!header) {
        const settlementId = cell('settlement-id');
        const currency = cell('currency');
        if (!settlementId)
          throw new SettlementFormatError('is required on the summary row', 'settlement-id', lineNumber);
        if (!/^[A-Z]{3}$/.test(currency))
          throw new SettlementFormatError('must be an ISO 4217 code on the summary row', 'currency', lineNumber);
        const total = cell('total-amount');
        header = SettlementHeader.parse({
          settlementId,
          channel: 'amazon',
          currency,
          ...optional('startDate', cell('settlement-start-date')),
          ...optional('endDate', cell('settlement-end-date')),
          ...optional('depositDate', cell('deposit-date')),
          ...(total ? { totalAmount: amazonAmount(total, currency, 'total-amount', lineNumber) } : {}),
        });
        yield { kind: 'header', header };
        if (!cell('transaction-type')) continue;
      }
      const rowCurrency = cell('currency') || header.currency;
      if (rowCurrency !== header.currency)
        throw new SettlementFormatError(
          `is ${rowCurrency}, the settlement is in ${header.currency}`,
          'currency',
          lineNumber,
        );
      const amountType = cell('amount-type');
      if (!amountType) throw new SettlementFormatError('is required', 'amount-type', lineNumber);
      const postedAt = isoTimestamp(cell('posted-date-time'));
      yield {
        kind: 'line',
        line: SettlementLine.parse({
          settlementId: header.settlementId,
          channel: 'amazon',
          lineNumber,
          amountType,
          amountDescription: cell('amount-description'),
          amount: amazonAmount(cell('amount'), header.currency, 'amount', lineNumber),
          ...optional('transactionType', cell('transaction-type')),
          ...optional('channelOrderId', cell('order-id')),
          ...optional('channelLineId', cell('order-item-code')),
          ...optional('sku', cell('sku')),
          ...(postedAt ? { postedAt } : {}),
        }),
      };
    }
  }
  if (!header) throw new SettlementFormatError('has no summary row', columns ? 'settlement-id' : 'header');
}

function amazonAmount(text: string, currency: string, field: string, lineNumber: number): Money {
  // Amazon writes amounts in the marketplace's locale: "1234.56" in the US, "1234,56" on some EU marketplaces.
  const normalized = /^-?\d+,\d+$/.test(text) ? text.replace(',', '.') : text;
  try {
    return parseDecimalMoney(normalized, currency);
  } catch (error) {
    if (error instanceof MoneyFormatError)
      throw new SettlementFormatError(error.message, field, lineNumber, { cause: error });
    throw error;
  }
}

/** "2026-03-02T14:23:00+00:00" as is; "2025-06-09 05:23:19 UTC" as UTC; anything else is left out. */
function isoTimestamp(text: string): string | undefined {
  if (z.iso.datetime({ offset: true }).safeParse(text).success) return text;
  const utc = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?: UTC|Z)$/.exec(text);
  return utc ? `${utc[1]}T${utc[2]}Z` : undefined;
}

function optional<K extends string>(name: K, value: string): Partial<Record<K, string>> {
  return value ? ({ [name]: value } as Record<K, string>) : {};
}

// --- Shopify Payments: a payout and its balance transactions --------------------------------------

/** Payouts are read whole: a payout's transactions are a day's or a week's charges, far below this. */
export const MAX_PAYOUT_BYTES = 50 * 1024 * 1024;

const Decimal = z.pipe(z.union([z.string(), z.number()]), z.transform(String));
const ShopifyBalanceTransaction = z.object({
  id: z.pipe(z.union([z.number(), z.string()]), z.transform(String)),
  /** charge, refund, dispute, reserve, adjustment, credit, debit, payout, payout_failure, payout_cancellation. */
  type: z.string().check(z.minLength(1)),
  currency: z.pipe(
    z.pipe(
      z.string(),
      z.transform((code) => code.toUpperCase()),
    ),
    z.string().check(z.regex(/^[A-Z]{3}$/)),
  ),
  amount: Decimal,
  fee: z._default(Decimal, '0'),
  source_order_id: z.pipe(
    z.nullish(z.union([z.number(), z.string()])),
    z.transform((id) => (id === null || id === undefined ? undefined : String(id))),
  ),
  processed_at: z.optional(z.string()),
});
export const ShopifyPayoutDocument = z.object({
  payout: z.object({
    id: z.pipe(z.union([z.number(), z.string()]), z.transform(String)),
    status: z.optional(z.string()),
    date: z.optional(z.string()),
    currency: z.pipe(
      z.pipe(
        z.string(),
        z.transform((code) => code.toUpperCase()),
      ),
      z.string().check(z.regex(/^[A-Z]{3}$/)),
    ),
    amount: Decimal,
  }),
  transactions: z.array(ShopifyBalanceTransaction),
});

/**
 * Reads a Shopify Payments payout (the payout object and its balance transactions, as the Admin
 * API's payouts and balance/transactions endpoints return them). Each transaction becomes a line of
 * its type with its gross amount, and a "fee" line with its fee negated (a fee is money the channel
 * kept); the payout's own transaction (type payout) is the settlement total, not a line.
 */
export function readShopifyPayout(text: string): SettlementRecord[] {
  if (Buffer.byteLength(text) > MAX_PAYOUT_BYTES)
    throw new SettlementFormatError(`is larger than ${MAX_PAYOUT_BYTES} bytes`, 'payout');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SettlementFormatError(`is not JSON (${(error as Error).message})`, 'payout', undefined, { cause: error });
  }
  const parsed = ShopifyPayoutDocument.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SettlementFormatError(issue.message, issue.path.join('.'));
  }
  const { payout, transactions } = parsed.data;
  const money = (text: string, field: string): Money => {
    try {
      return parseDecimalMoney(text, payout.currency);
    } catch (error) {
      throw new SettlementFormatError((error as Error).message, field, undefined, { cause: error });
    }
  };
  const settlementId = payout.id;
  const header = SettlementHeader.parse({
    settlementId,
    channel: 'shopify',
    currency: payout.currency,
    ...optional('depositDate', payout.date ?? ''),
    totalAmount: money(payout.amount, 'payout.amount'),
  });
  const records: SettlementRecord[] = [{ kind: 'header', header }];
  transactions.forEach((transaction, i) => {
    if (transaction.type === 'payout') return;
    if (transaction.currency !== payout.currency)
      throw new SettlementFormatError(
        `is ${transaction.currency}, the payout is in ${payout.currency}`,
        `transactions.${i}.currency`,
      );
    const postedAt = transaction.processed_at && isoTimestamp(transaction.processed_at);
    const common = {
      settlementId,
      channel: 'shopify' as const,
      lineNumber: i + 1,
      transactionType: transaction.type,
      transactionId: transaction.id,
      ...(transaction.source_order_id ? { channelOrderId: transaction.source_order_id } : {}),
      ...(postedAt ? { postedAt } : {}),
    };
    records.push({
      kind: 'line',
      line: SettlementLine.parse({
        ...common,
        amountType: transaction.type,
        amountDescription: `balance transaction ${transaction.id}`,
        amount: money(transaction.amount, `transactions.${i}.amount`),
      }),
    });
    const fee = money(transaction.fee, `transactions.${i}.fee`);
    if (fee.amountMinor !== 0) {
      records.push({
        kind: 'line',
        line: SettlementLine.parse({
          ...common,
          amountType: 'fee',
          amountDescription: `fee on balance transaction ${transaction.id}`,
          amount: { ...fee, amountMinor: -fee.amountMinor },
        }),
      });
    }
  });
  return records;
}

async function payoutText(chunks: ByteChunks): Promise<string> {
  const parts: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of chunks) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk);
    bytes += buffer.length;
    if (bytes > MAX_PAYOUT_BYTES) throw new SettlementFormatError(`is larger than ${MAX_PAYOUT_BYTES} bytes`, 'payout');
    parts.push(buffer);
  }
  return Buffer.concat(parts).toString('utf8');
}
