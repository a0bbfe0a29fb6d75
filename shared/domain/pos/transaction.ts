import { createHash } from 'node:crypto';
import { z } from 'zod';
import { CurrencyCode, Money, MoneyFormatError, formatDecimalMoney, parseDecimalMoney } from '#domain/kernel/money';
import { OrderId, SalesChannel, orderIdFor } from '#domain/kernel/order';
import type { FieldIssue } from '#domain/kernel/validation';
import {
  Measure,
  UNIT_SPELLINGS_HINT,
  formatMeasure,
  measuredPrice,
  parseThousandths,
  readUnitOfMeasure,
} from '#domain/kernel/unit-of-measure';

/**
 * A store POS transaction in the canonical model, whatever format the store uploaded it in (CSV,
 * JSONL, ARTS POSLog). Money is integer minor units; quantities are whole units, or for weighed and
 * measured goods integer thousandths of their unit (see PosLine.measure). A transaction is
 * identified by its key (store, register, business day, sequence number), which is what makes it
 * apply once however many times, and in however many batches, a store uploads it.
 *
 * Every format is first read into a RawPosTransaction (strings as the store wrote them) and then
 * validated and converted here, so one bad field is reported the same way in every format.
 */

/** Store and register ids end up in keys and object paths. */
const KeyPart = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(64)
  .regex(/^[A-Za-z0-9._-]+$/, 'may contain letters, digits, ".", "_" and "-" only');
const BusinessDay = z.iso.date({ error: 'must be a date such as 2026-11-23' });
const IsoTimestamp = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with an offset' });
const Sequence = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const ReasonCode = z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'must be an upper-case reason code such as DAMAGED');

export const PosTransactionKey = z.object({
  storeId: KeyPart,
  /** The workstation (till) that rang the transaction up; sequence numbers run per register. */
  registerId: KeyPart,
  businessDay: BusinessDay,
  sequence: Sequence,
});
export type PosTransactionKey = z.infer<typeof PosTransactionKey>;

/**
 * completed: a sale, return or exchange that moves stock and money. cancelled (voided at the till) and
 * training (training mode) move nothing. control: sign-on, no-sale, till pickups; moves nothing.
 * All four consume a sequence number, so all four count for gap detection.
 */
export const PosDisposition = z.enum(['completed', 'cancelled', 'training', 'control']);
export type PosDisposition = z.infer<typeof PosDisposition>;

/**
 * The online order a returned line was bought on, as the till recorded it: always our order id, and
 * the channel with its own order id when that is what the till was given (the number on the
 * customer's order confirmation).
 */
export const OriginalOrder = z.object({
  orderId: OrderId,
  channel: SalesChannel.optional(),
  channelOrderId: z.string().min(1).optional(),
});
export type OriginalOrder = z.infer<typeof OriginalOrder>;

export const PosLine = z.object({
  /** The line's position in the transaction, from 1. */
  lineNumber: z.number().int().positive(),
  type: z.enum(['sale', 'return']),
  /** What the till scanned or keyed: an internal SKU or a store item code. */
  itemCode: z.string().min(1),
  /** The internal SKU from the cross-reference (channel "pos"); null when it does not know the item code. */
  sku: z.string().min(1).nullable(),
  description: z.string().optional(),
  /** Whole units; 1 for a weighed or measured line, whose quantity is its `measure`. */
  quantity: z.number().int().positive(),
  /**
   * Weighed or measured goods only (absent for goods counted in units): the unit and how much, in
   * thousandths of it; 0.420 kg is { unit: 'kg', thousandths: 420 }, and `unitPrice` is per kg.
   */
  measure: Measure.optional(),
  unitPrice: Money,
  /** Discount on the whole line (all units), positive. */
  discount: Money,
  /**
   * quantity x unitPrice - discount: what the line adds to (sale) or takes from (return) the total.
   * A measured line's is unitPrice x measure - discount, rounded to the minor unit as the till rounded it.
   */
  amount: Money,
  /** Returns: why the item came back; DAMAGED-like codes send it to damaged stock (see returnDestination). */
  reasonCode: ReasonCode.optional(),
  /**
   * Returns only: the online order the units were bought on. Such a line is taken back against its
   * order (ReturnReceived, return-intake), not by pos-stock-movements; see pos-order-returns.ts.
   */
  originalOrder: OriginalOrder.optional(),
});
export type PosLine = z.infer<typeof PosLine>;

export const PosTender = z.object({
  /** Lower-case tender code: cash, card, gift_card, voucher, ... */
  method: z.string().min(1),
  /** Positive when the store took money, negative when it paid out (change, refund). */
  amount: Money,
});
export type PosTender = z.infer<typeof PosTender>;

export const PosTransaction = z.object({
  /** `{storeId}:{registerId}:{businessDay}:{sequence}`: the key as one string. */
  transactionId: z.string().min(1),
  key: PosTransactionKey,
  endedAt: IsoTimestamp,
  currency: CurrencyCode,
  disposition: PosDisposition,
  operatorId: z.string().optional(),
  lines: z.array(PosLine),
  /** Tax of the whole transaction, negative for a return-only transaction. */
  tax: Money,
  tenders: z.array(PosTender),
  /** sales - returns + tax; the tenders add up to it. */
  total: Money,
});
export type PosTransaction = z.infer<typeof PosTransaction>;

/** What a parser produced: the canonical transaction before the cross-reference resolved its item codes. */
export type PosTransactionDraft = Omit<PosTransaction, 'lines'> & { lines: Omit<PosLine, 'sku'>[] };

// --- raw input, as every format reads it ------------------------------------------------------

const Decimal = z
  .union([z.string(), z.number()])
  .transform((value) => String(value).trim())
  .pipe(z.string().regex(/^-?\d+(\.\d+)?$/, 'must be a decimal amount such as "19.99"'));
const WholeNumber = z
  .union([z.string(), z.number()])
  .transform((value) => (typeof value === 'number' ? value : value.trim() === '' ? Number.NaN : Number(value.trim())))
  .pipe(
    z.number({ error: 'must be a number' }).int('must be a whole number').refine(Number.isSafeInteger, 'is too large'),
  );
const Optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' || value === null ? undefined : value), schema.optional());

export const RawPosLine = z.object({
  type: z.enum(['sale', 'return'], { error: 'must be "sale" or "return"' }),
  itemCode: z.string({ error: 'is required' }).trim().min(1, 'is required').max(64),
  description: Optional(z.string().max(200)),
  /** Whole units ("2"); with a measure unit, up to three decimals of it ("0.420"). */
  quantity: z
    .union([z.string(), z.number()])
    .transform((value) => String(value).trim())
    .pipe(z.string().regex(/^-?\d+(\.\d+)?$/, 'must be a number')),
  /** The quantity's unit as written (each, kg, KGM, lb ...; see readUnitOfMeasure); each when absent. */
  unit: Optional(z.string().trim().max(20)),
  unitPrice: Decimal.refine((value) => !value.startsWith('-'), 'must not be negative'),
  discount: Optional(Decimal.refine((value) => !value.startsWith('-'), 'must not be negative')),
  /** When the store sends it, it must equal quantity x unitPrice - discount. */
  amount: Optional(Decimal),
  reasonCode: Optional(z.string().trim().min(1).max(40)),
  /** Returns only: `ord_...` or `{channel}:{channelOrderId}` (see parseOriginalOrder). */
  originalOrder: Optional(z.string({ error: 'must be text such as "shopify:5600000000001"' }).trim().max(120)),
});
export type RawPosLine = z.input<typeof RawPosLine>;

export const RawPosTender = z.object({
  method: z.string({ error: 'is required' }).trim().min(1, 'is required').max(40),
  amount: Decimal,
});
export type RawPosTender = z.input<typeof RawPosTender>;

/** One transaction is one event on the bus (256 KB at most): a few hundred lines fit with room to spare. */
export const MAX_LINES_PER_TRANSACTION = 500;

export const RawPosTransaction = z.object({
  storeId: KeyPart,
  registerId: KeyPart,
  businessDay: BusinessDay,
  sequence: WholeNumber.pipe(Sequence),
  endedAt: IsoTimestamp,
  /** Required for a completed transaction; others move no money and default to XXX (ISO 4217: no currency). */
  currency: Optional(CurrencyCode),
  disposition: Optional(PosDisposition).transform((value) => value ?? 'completed'),
  operatorId: Optional(z.string().trim().max(64)),
  lines: z
    .array(RawPosLine)
    .max(
      MAX_LINES_PER_TRANSACTION,
      `has more than ${MAX_LINES_PER_TRANSACTION} lines: one transaction travels as one event, at most 256 KB`,
    )
    .default([]),
  /** One amount, or several (one per tax line) that add up. */
  tax: z.preprocess(
    (value) => (value === undefined || value === null || value === '' ? [] : Array.isArray(value) ? value : [value]),
    z.array(Decimal),
  ),
  tenders: z.array(RawPosTender).default([]),
});
export type RawPosTransaction = z.input<typeof RawPosTransaction>;

export type DraftResult =
  | { ok: true; transaction: PosTransactionDraft }
  | { ok: false; issues: FieldIssue[]; key?: PosTransactionKey };

/**
 * Validates a transaction as a store sent it and converts it to the canonical draft. Never throws for
 * bad input: the answer names every failing field ("lines.0.quantity: must be a whole number"), and
 * carries the key when the key itself was readable, so a rejected transaction still counts for
 * sequence-gap detection. Checks, beyond the field formats:
 * - amounts have no more decimals than the currency (no silent rounding);
 * - a line's amount, when given, is quantity x unit price - discount;
 * - a completed transaction's tenders add up to its total (sales - returns + tax), to the minor unit;
 *   a transaction missing a line or a tender therefore fails instead of posting a wrong total;
 * - cancelled, training and control transactions carry no lines;
 * - only a return line names an original order, and the reference must read (parseOriginalOrder);
 * - the store is `expected.storeId` when given (the store of the upload path).
 */
export function toPosTransactionDraft(input: unknown, expected: { storeId?: string } = {}): DraftResult {
  const parsed = RawPosTransaction.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
      ...readableKey(input),
    };
  }
  const raw = parsed.data;
  const key: PosTransactionKey = {
    storeId: raw.storeId,
    registerId: raw.registerId,
    businessDay: raw.businessDay,
    sequence: raw.sequence,
  };
  const fail = (path: string, message: string): DraftResult => ({ ok: false, issues: [{ path, message }], key });
  if (expected.storeId !== undefined && key.storeId !== expected.storeId) {
    return fail('storeId', `is ${key.storeId} but the upload is filed under store ${expected.storeId}`);
  }
  if (raw.currency === undefined && raw.disposition === 'completed')
    return fail('currency', 'is required for a completed transaction');
  const currency = raw.currency ?? NO_CURRENCY;
  const money = (path: string, decimal: string): Money => {
    try {
      return parseDecimalMoney(decimal, currency);
    } catch (error) {
      if (error instanceof MoneyFormatError) throw new DraftError(path, error.message);
      throw error;
    }
  };
  try {
    let total = 0;
    const lines = raw.lines.map((line, i) => {
      const { quantity, measure } = readLineQuantity(line.quantity, line.unit, `lines.${i}`);
      const unitPrice = money(`lines.${i}.unitPrice`, line.unitPrice);
      const discount = money(`lines.${i}.discount`, line.discount ?? '0');
      const given = line.amount === undefined ? undefined : money(`lines.${i}.amount`, line.amount);
      const computed = measure
        ? measuredGross(unitPrice.amountMinor, measure.thousandths, given, discount.amountMinor) - discount.amountMinor
        : unitPrice.amountMinor * quantity - discount.amountMinor;
      if (!Number.isSafeInteger(computed)) throw new DraftError(`lines.${i}.amount`, 'is too large');
      if (computed < 0) throw new DraftError(`lines.${i}.discount`, 'is more than the line is worth');
      const amount = { amountMinor: computed, currency };
      if (given !== undefined && given.amountMinor !== computed) {
        const formula = measure ? `unit price x ${formatMeasure(measure)}` : 'quantity x unit price';
        throw new DraftError(
          `lines.${i}.amount`,
          `is ${formatDecimalMoney(given)} but ${formula} - discount is ${formatDecimalMoney(amount)}`,
        );
      }
      if (measure && line.originalOrder !== undefined) {
        throw new DraftError(
          `lines.${i}.originalOrder`,
          `is for lines in whole units: online orders are, so ${formatMeasure(measure)} cannot be taken back against one`,
        );
      }
      total += line.type === 'sale' ? computed : -computed;
      const reasonCode = line.reasonCode === undefined ? undefined : normalizeReasonCode(line.reasonCode);
      if (line.reasonCode !== undefined && !reasonCode)
        throw new DraftError(`lines.${i}.reasonCode`, `"${line.reasonCode}" is not a reason code`);
      const originalOrder = line.originalOrder === undefined ? undefined : parseOriginalOrder(line.originalOrder);
      if (line.originalOrder !== undefined && line.type !== 'return') {
        throw new DraftError(
          `lines.${i}.originalOrder`,
          'is for return lines only: a sale is not taken back against an order',
        );
      }
      if (line.originalOrder !== undefined && !originalOrder) {
        throw new DraftError(
          `lines.${i}.originalOrder`,
          `"${line.originalOrder}" is not an order reference: give our order id (ord_...) or {channel}:{the channel's order id} with a channel of ${ORDER_CHANNELS.join(', ')}, e.g. shopify:5600000000001`,
        );
      }
      return {
        lineNumber: i + 1,
        type: line.type,
        itemCode: line.itemCode,
        ...(line.description ? { description: line.description } : {}),
        quantity,
        ...(measure ? { measure } : {}),
        unitPrice,
        discount,
        amount,
        ...(reasonCode ? { reasonCode } : {}),
        ...(originalOrder ? { originalOrder } : {}),
      };
    });
    const tax = {
      amountMinor: raw.tax.reduce((sum, amount, i) => sum + money(`tax.${i}`, amount).amountMinor, 0),
      currency,
    };
    total += tax.amountMinor;
    const tenders = raw.tenders.map((tender, i) => ({
      method: tender.method.toLowerCase().replace(/[\s-]+/g, '_'),
      amount: money(`tenders.${i}.amount`, tender.amount),
    }));
    const tendered = tenders.reduce((sum, tender) => sum + tender.amount.amountMinor, 0);
    const totalMoney = { amountMinor: total, currency };
    if (raw.disposition === 'completed' && tendered !== total) {
      return fail(
        'tenders',
        `add up to ${formatDecimalMoney({ amountMinor: tendered, currency })} but the transaction totals ${formatDecimalMoney(totalMoney)} (sales - returns + tax)`,
      );
    }
    if (raw.disposition !== 'completed' && lines.length > 0) {
      return fail('lines', `a ${raw.disposition} transaction carries no lines`);
    }
    return {
      ok: true,
      transaction: {
        transactionId: posTransactionId(key),
        key,
        endedAt: raw.endedAt,
        currency,
        disposition: raw.disposition,
        ...(raw.operatorId ? { operatorId: raw.operatorId } : {}),
        lines,
        tax,
        tenders,
        total: totalMoney,
      },
    };
  } catch (error) {
    if (error instanceof DraftError) return fail(error.path, error.message);
    throw error;
  }
}

/**
 * A line's quantity as written, in its unit: whole units by default or when the unit is each
 * ("2"), thousandths of a measure unit otherwise ("0.420" kg is 420). A measured line counts one item.
 */
function readLineQuantity(
  text: string,
  unitText: string | undefined,
  path: string,
): { quantity: number; measure?: Measure } {
  const unit = unitText === undefined ? 'each' : readUnitOfMeasure(unitText);
  if (unit === undefined)
    throw new DraftError(`${path}.unit`, `"${unitText}" is not a unit of measure: write ${UNIT_SPELLINGS_HINT}`);
  const value = Number(text);
  if (unit === 'each') {
    if (!Number.isInteger(value)) throw new DraftError(`${path}.quantity`, 'must be a whole number');
    if (!Number.isSafeInteger(value)) throw new DraftError(`${path}.quantity`, 'is too large');
    if (value < 1) throw new DraftError(`${path}.quantity`, 'must be at least 1');
    return { quantity: value };
  }
  if (value <= 0) throw new DraftError(`${path}.quantity`, `must be more than 0 ${unit}`);
  const thousandths = parseThousandths(text);
  if (thousandths === undefined)
    throw new DraftError(`${path}.quantity`, `must have at most three decimals: ${unit} are counted in thousandths`);
  return { quantity: 1, measure: { unit, thousandths } };
}

/**
 * unit price x measure, in minor units, as the till rounded it: its line amount (plus the discount)
 * when that is the exact product rounded down or up, else the product rounded half up, which the
 * amount check then names.
 */
function measuredGross(
  unitPriceMinor: number,
  thousandths: number,
  given: Money | undefined,
  discountMinor: number,
): number {
  const price = measuredPrice(unitPriceMinor, thousandths);
  const tillGross = given === undefined ? undefined : given.amountMinor + discountMinor;
  return tillGross === price.floor || tillGross === price.ceil ? tillGross : price.nearest;
}

/** ISO 4217's code for transactions that involve no currency (a no-sale, a sign-on). */
export const NO_CURRENCY = 'XXX';

class DraftError extends Error {
  override name = 'DraftError';
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

/** "lines.0.quantity: must be a whole number; tenders: add up to ..." */
export function describeIssues(issues: readonly FieldIssue[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => `${issue.path || '(transaction)'}: ${issue.message}`)
    .join('; ');
}

/** The key as one string; store and register ids cannot contain ":". */
export function posTransactionId(key: PosTransactionKey): string {
  return `${key.storeId}:${key.registerId}:${key.businessDay}:${key.sequence}`;
}

/**
 * A digest of what the store said about a transaction. Two uploads of one key with different
 * fingerprints are a conflict (a register reset, a corrupted export), not a plain re-upload.
 */
export function posTransactionFingerprint(transaction: PosTransactionDraft): string {
  return createHash('sha256').update(JSON.stringify(transaction)).digest('base64url').slice(0, 22);
}

/** "Damaged item", "damaged-item" and "DAMAGED_ITEM" are one code. Undefined when nothing usable is left. */
export function normalizeReasonCode(text: string): string | undefined {
  const code = text
    .trim()
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return /^[A-Z][A-Z0-9_]*$/.test(code) ? code : undefined;
}

/** Channels whose orders a store can take back; the till's own sales are transactions, not orders. */
const ORDER_CHANNELS = SalesChannel.options.filter((channel) => channel !== 'pos');

/**
 * Reads the order reference a till recorded on a return line: our order id (`ord_...`), or
 * `{channel}:{channelOrderId}` such as `shopify:5600000000001` (the channel's name in any case; the
 * order id is derived with orderIdFor, as every channel's intake derives it, so no lookup is needed).
 * Undefined when it is neither, or names the POS channel itself.
 */
export function parseOriginalOrder(text: string): OriginalOrder | undefined {
  const reference = text.trim();
  if (OrderId.safeParse(reference).success) return { orderId: reference };
  const match = /^([A-Za-z]+):([A-Za-z0-9][A-Za-z0-9._-]{0,99})$/.exec(reference);
  const channel = match ? ORDER_CHANNELS.find((candidate) => candidate === match[1].toLowerCase()) : undefined;
  return match && channel ? { orderId: orderIdFor(channel, match[2]), channel, channelOrderId: match[2] } : undefined;
}

/** The key of an otherwise invalid transaction, when its key fields are valid on their own. */
function readableKey(input: unknown): { key?: PosTransactionKey } {
  if (input === null || typeof input !== 'object') return {};
  const fields = input as Record<string, unknown>;
  const key = z
    .object({
      storeId: KeyPart,
      registerId: KeyPart,
      businessDay: BusinessDay,
      sequence: WholeNumber.pipe(Sequence),
    })
    .safeParse({
      storeId: fields.storeId,
      registerId: fields.registerId,
      businessDay: fields.businessDay,
      sequence: fields.sequence,
    });
  return key.success ? { key: key.data } : {};
}
