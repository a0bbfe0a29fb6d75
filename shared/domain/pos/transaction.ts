import { createHash } from 'node:crypto';
import * as z from '#domain/kernel/schema';
import { once } from '#domain/kernel/once';
import { CurrencyCode, Money, MoneyFormatError, formatDecimalMoney, parseDecimalMoney } from '#domain/kernel/money';
import { OrderId, SalesChannel, orderIdFor } from '#domain/kernel/order';
import type { FieldIssue } from '#domain/kernel/validation';
import { LOCAL_DATE_TIME, isLocalDateTime, localDateTimeIn } from '#domain/kernel/time-zone';
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

/** One transaction is one event on the bus (256 KB at most): a few hundred lines fit with room to spare. */
export const MAX_LINES_PER_TRANSACTION = 500;

/**
 * The transaction schemas, built on the first parse of any of them rather than when the module loads:
 * eleven functions carry this module, most of them for a till sale or an exception fix that comes now
 * and then, and it builds 206 schemas (issue 27).
 */
const schemas = once(() => {
  /** Store and register ids end up in keys and object paths. */
  const KeyPart = z
    .string()
    .check(
      z.trim(),
      z.minLength(1, 'is required'),
      z.maxLength(64),
      z.regex(/^[A-Za-z0-9._-]+$/, 'may contain letters, digits, ".", "_" and "-" only'),
    );
  const BusinessDay = z.iso.date({ error: 'must be a date such as 2026-11-23' });
  const IsoTimestamp = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with an offset' });
  /** A store's local wall-clock time (no offset), as NCR and other tills write EndDateTime. */
  const LocalDateTime = z.string().check(z.regex(LOCAL_DATE_TIME));
  const EndedAt = z.union([IsoTimestamp, LocalDateTime], {
    error: 'must be an ISO 8601 date-time such as 2026-11-23T10:02:11-05:00 (or local, 2026-11-23T10:02:11)',
  });
  const Sequence = z.number().check(z.int(), z.nonnegative(), z.lte(Number.MAX_SAFE_INTEGER));
  const ReasonCode = z
    .string()
    .check(z.regex(/^[A-Z][A-Z0-9_]*$/, 'must be an upper-case reason code such as DAMAGED'));

  const PosTransactionKey = z.object({
    storeId: KeyPart,
    /** The workstation (till) that rang the transaction up; sequence numbers run per register. */
    registerId: KeyPart,
    businessDay: BusinessDay,
    sequence: Sequence,
  });

  /**
   * completed: a sale, return or exchange that moves stock and money. cancelled (voided at the till) and
   * training (training mode) move nothing. control: sign-on, no-sale, till pickups; moves nothing.
   * All four consume a sequence number, so all four count for gap detection.
   */
  const PosDisposition = z.enum(['completed', 'cancelled', 'training', 'control']);

  /**
   * The online order a returned line was bought on, as the till recorded it: always our order id, and
   * the channel with its own order id when that is what the till was given (the number on the
   * customer's order confirmation).
   */
  const OriginalOrder = z.object({
    orderId: OrderId,
    channel: z.optional(SalesChannel),
    channelOrderId: z.optional(z.string().check(z.minLength(1))),
  });

  const PosLine = z.object({
    /** The line's position in the transaction, from 1. */
    lineNumber: z.number().check(z.int(), z.positive()),
    type: z.enum(['sale', 'return']),
    /** What the till scanned or keyed: an internal SKU or a store item code. */
    itemCode: z.string().check(z.minLength(1)),
    /** The internal SKU from the cross-reference (channel "pos"); null when it does not know the item code. */
    sku: z.nullable(z.string().check(z.minLength(1))),
    description: z.optional(z.string()),
    /** Whole units; 1 for a weighed or measured line, whose quantity is its `measure`. */
    quantity: z.number().check(z.int(), z.positive()),
    /**
     * Weighed or measured goods only (absent for goods counted in units): the unit and how much, in
     * thousandths of it; 0.420 kg is { unit: 'kg', thousandths: 420 }, and `unitPrice` is per kg.
     */
    measure: z.optional(Measure),
    unitPrice: Money,
    /** Discount on the whole line (all units), positive. */
    discount: Money,
    /**
     * quantity x unitPrice - discount: what the line adds to (sale) or takes from (return) the total.
     * A measured line's is unitPrice x measure - discount, rounded to the minor unit as the till rounded it.
     */
    amount: Money,
    /**
     * The line's own tax, when the store gave tax per line (POSLog's LineItem/Sale/Tax): the sum of its
     * taxes, positive, never included in `amount` (a price with tax included is restated net, see
     * toPosTransactionDraft). The transaction's `tax` counts it, sales up and returns down.
     */
    tax: z.optional(Money),
    /** Returns: why the item came back; DAMAGED-like codes send it to damaged stock (see returnDestination). */
    reasonCode: z.optional(ReasonCode),
    /**
     * The online order the line is for. A return: the order the units were bought on, taken back against
     * it (ReturnReceived, return-intake; see order-returns.ts). A sale: the order's pickup handed over at
     * the till; the fulfilment capability collects its store task (collectAtTill), which ships the order
     * and consumes its reservation, so the line moves no stock through POS and books no second revenue.
     */
    originalOrder: z.optional(OriginalOrder),
  });

  const PosTender = z.object({
    /** Lower-case tender code: cash, card, gift_card, voucher, ... */
    method: z.string().check(z.minLength(1)),
    /** Positive when the store took money, negative when it paid out (change, refund). */
    amount: Money,
  });

  const PosTransaction = z.object({
    /** `{storeId}:{registerId}:{businessDay}:{sequence}`: the key as one string. */
    transactionId: z.string().check(z.minLength(1)),
    key: PosTransactionKey,
    /**
     * When the transaction ended, with its UTC offset. A store that writes local times has them read in
     * its time zone (the inventory policy's location `timeZone`); a transaction that moves nothing
     * (cancelled, training, control) keeps the local time as written when the store has no time zone.
     */
    endedAt: EndedAt,
    currency: CurrencyCode,
    disposition: PosDisposition,
    operatorId: z.optional(z.string()),
    lines: z.array(PosLine),
    /** Tax of the whole transaction, negative for a return-only transaction. */
    tax: Money,
    tenders: z.array(PosTender),
    /** sales - returns + tax; the tenders add up to it. */
    total: Money,
  });

  /** What a parser produced: the canonical transaction before the cross-reference resolved its item codes. */

  // --- raw input, as every format reads it ------------------------------------------------------

  const Decimal = z.pipe(
    z.pipe(
      z.union([z.string(), z.number()]),
      z.transform((value) => String(value).trim()),
    ),
    z.string().check(z.regex(/^-?\d+(\.\d+)?$/, 'must be a decimal amount such as "19.99"')),
  );
  const WholeNumber = z.pipe(
    z.pipe(
      z.union([z.string(), z.number()]),
      z.transform((value) =>
        typeof value === 'number' ? value : value.trim() === '' ? Number.NaN : Number(value.trim()),
      ),
    ),
    z
      .number({ error: 'must be a number' })
      .check(z.int('must be a whole number'), z.refine(Number.isSafeInteger, 'is too large')),
  );
  const Optional = <T extends z.ZodMiniType>(schema: T) =>
    z.optional(
      z.pipe(
        z.transform((value: unknown): unknown => (value === '' || value === null ? undefined : value)),
        z.optional(schema),
      ),
    );
  const OneOrMore = <T extends z.ZodMiniType>(schema: T) =>
    z.pipe(
      z.optional(
        z.pipe(
          z.transform((value: unknown): unknown =>
            value === undefined || value === null || value === '' ? [] : Array.isArray(value) ? value : [value],
          ),
          z.array(schema),
        ),
      ),
      z.transform((values) => values ?? []),
    );

  const RawPosLine = z.object({
    type: z.enum(['sale', 'return'], { error: 'must be "sale" or "return"' }),
    itemCode: z.string({ error: 'is required' }).check(z.trim(), z.minLength(1, 'is required'), z.maxLength(64)),
    description: Optional(z.string().check(z.maxLength(200))),
    /** Whole units ("2"); with a measure unit, up to three decimals of it ("0.420"). */
    quantity: z.pipe(
      z.pipe(
        z.union([z.string(), z.number()]),
        z.transform((value) => String(value).trim()),
      ),
      z.string().check(z.regex(/^-?\d+(\.\d+)?$/, 'must be a number')),
    ),
    /** The quantity's unit as written (each, kg, KGM, lb ...; see readUnitOfMeasure); each when absent. */
    unit: Optional(z.string().check(z.trim(), z.maxLength(20))),
    unitPrice: Decimal.check(z.refine((value) => !value.startsWith('-'), 'must not be negative')),
    discount: Optional(Decimal.check(z.refine((value) => !value.startsWith('-'), 'must not be negative'))),
    /** When the store sends it, it must equal quantity x unitPrice - discount. */
    amount: Optional(Decimal),
    reasonCode: Optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(40))),
    /** The line's taxes (one amount or several, each positive), when the store gives tax per line. */
    tax: OneOrMore(Decimal.check(z.refine((value) => !value.startsWith('-'), 'must not be negative'))),
    /** The line's taxes are included in its price and amount (VAT-inclusive), not added on top. */
    taxIncluded: Optional(z.boolean({ error: 'must be true or false' })),
    /** Group pricing: `unitPrice` is quoted for this many units (3 for 1.00); the line amount is what counts. */
    priceUnits: Optional(z.pipe(WholeNumber, z.number().check(z.gte(1, 'must be at least 1')))),
    /** The online order a return was bought on, or a sale hands over: `ord_...` or `{channel}:{channelOrderId}` (see parseOriginalOrder). */
    originalOrder: Optional(
      z.string({ error: 'must be text such as "shopify:5600000000001"' }).check(z.trim(), z.maxLength(120)),
    ),
  });

  const RawPosTender = z.object({
    method: z.string({ error: 'is required' }).check(z.trim(), z.minLength(1, 'is required'), z.maxLength(40)),
    amount: Decimal,
  });

  const RawPosTransaction = z.object({
    storeId: KeyPart,
    registerId: KeyPart,
    businessDay: BusinessDay,
    sequence: z.pipe(WholeNumber, Sequence),
    endedAt: EndedAt,
    /** Required for a completed transaction; others move no money and default to XXX (ISO 4217: no currency). */
    currency: Optional(CurrencyCode),
    disposition: z.pipe(
      Optional(PosDisposition),
      z.transform((value) => value ?? 'completed'),
    ),
    operatorId: Optional(z.string().check(z.trim(), z.maxLength(64))),
    lines: z._default(
      z
        .array(RawPosLine)
        .check(
          z.maxLength(
            MAX_LINES_PER_TRANSACTION,
            `has more than ${MAX_LINES_PER_TRANSACTION} lines: one transaction travels as one event, at most 256 KB`,
          ),
        ),
      [],
    ),
    /**
     * One amount, or several (one per tax line) that add up. When lines carry their own tax, these are
     * the store's summary of them: they must add up to the same, and are not counted twice.
     */
    tax: OneOrMore(Decimal),
    /** The transaction's taxes are included in its line amounts (VAT-inclusive); then they must be given per line. */
    taxIncluded: Optional(z.boolean({ error: 'must be true or false' })),
    tenders: z._default(z.array(RawPosTender), []),
  });
  /** The key fields of a raw transaction alone: the key of one that is otherwise invalid. */
  const RawKey = z.object({
    storeId: KeyPart,
    registerId: KeyPart,
    businessDay: BusinessDay,
    sequence: z.pipe(WholeNumber, Sequence),
  });
  return {
    PosTransactionKey,
    PosDisposition,
    OriginalOrder,
    PosLine,
    PosTender,
    PosTransaction,
    RawPosLine,
    RawPosTender,
    RawPosTransaction,
    RawKey,
  };
});

export const PosTransactionKey = /* @__PURE__ */ z.lazy(() => schemas().PosTransactionKey);
export type PosTransactionKey = z.infer<typeof PosTransactionKey>;
export const PosDisposition = /* @__PURE__ */ z.lazy(() => schemas().PosDisposition);
export type PosDisposition = z.infer<typeof PosDisposition>;
export const OriginalOrder = /* @__PURE__ */ z.lazy(() => schemas().OriginalOrder);
export type OriginalOrder = z.infer<typeof OriginalOrder>;
export const PosLine = /* @__PURE__ */ z.lazy(() => schemas().PosLine);
export type PosLine = z.infer<typeof PosLine>;
export const PosTender = /* @__PURE__ */ z.lazy(() => schemas().PosTender);
export type PosTender = z.infer<typeof PosTender>;
export const PosTransaction = /* @__PURE__ */ z.lazy(() => schemas().PosTransaction);
export type PosTransaction = z.infer<typeof PosTransaction>;
export const RawPosLine = /* @__PURE__ */ z.lazy(() => schemas().RawPosLine);
export type RawPosLine = z.input<typeof RawPosLine>;
export const RawPosTender = /* @__PURE__ */ z.lazy(() => schemas().RawPosTender);
export type RawPosTender = z.input<typeof RawPosTender>;
export const RawPosTransaction = /* @__PURE__ */ z.lazy(() => schemas().RawPosTransaction);
export type RawPosTransaction = z.input<typeof RawPosTransaction>;
export type PosTransactionDraft = Omit<PosTransaction, 'lines'> & { lines: Omit<PosLine, 'sku'>[] };

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
 * - a line's original order reference must read (parseOriginalOrder): a return's order, or the pickup a sale hands over;
 * - the store is `expected.storeId` when given (the store of the upload path);
 * - a local end time (no offset) is read in `expected.timeZone`, the store's; without one, only a
 *   transaction that moves nothing may keep it as written.
 * Tax per line (POSLog): the transaction's tax is the lines' (sales up, returns down), and a line whose
 * tax is included in its price is restated net. Group pricing (a price quoted for `priceUnits` units):
 * the line amount counts, within the minor unit the till rounded. A restated line keeps its amount
 * exact: the net unit price is rounded up and the few minor units that adds join its discount.
 */
export function toPosTransactionDraft(
  input: unknown,
  expected: { storeId?: string; timeZone?: string } = {},
): DraftResult {
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
  const zoned = isLocalDateTime(raw.endedAt) && expected.timeZone && localDateTimeIn(raw.endedAt, expected.timeZone);
  if (isLocalDateTime(raw.endedAt) && !zoned && raw.disposition === 'completed') {
    return fail(
      'endedAt',
      `is ${raw.endedAt}, a local time without a UTC offset, and store ${key.storeId} has no time zone to read it in: set the store location's timeZone (an IANA name such as America/Chicago) in the inventory policy, FABRIC_INVENTORY_POLICY`,
    );
  }
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
    let lineTaxTotal = 0;
    const lines = raw.lines.map((line, i) => {
      const { quantity, measure } = readLineQuantity(line.quantity, line.unit, `lines.${i}`);
      const unitPrice = money(`lines.${i}.unitPrice`, line.unitPrice);
      const discount = money(`lines.${i}.discount`, line.discount ?? '0');
      const given = line.amount === undefined ? undefined : money(`lines.${i}.amount`, line.amount);
      const priceUnits = line.priceUnits ?? 1;
      const computed = measure
        ? measuredGross(unitPrice.amountMinor, measure.thousandths, given, discount.amountMinor) - discount.amountMinor
        : groupGross(unitPrice.amountMinor, quantity, priceUnits, given, discount.amountMinor) - discount.amountMinor;
      if (!Number.isSafeInteger(computed)) throw new DraftError(`lines.${i}.amount`, 'is too large');
      if (computed < 0) throw new DraftError(`lines.${i}.discount`, 'is more than the line is worth');
      const amount = { amountMinor: computed, currency };
      if (given !== undefined && given.amountMinor !== computed) {
        const formula = measure
          ? `unit price x ${formatMeasure(measure)}`
          : priceUnits > 1
            ? `quantity x unit price / ${priceUnits} units`
            : 'quantity x unit price';
        throw new DraftError(
          `lines.${i}.amount`,
          `is ${formatDecimalMoney(given)} but ${formula} - discount is ${formatDecimalMoney(amount)}`,
        );
      }
      if (measure && line.originalOrder !== undefined) {
        throw new DraftError(
          `lines.${i}.originalOrder`,
          `is for lines in whole units: online orders are, so ${formatMeasure(measure)} cannot be handed over or taken back against one`,
        );
      }
      const taxes = line.tax.map((decimal, t) => money(`lines.${i}.tax.${t}`, decimal).amountMinor);
      const lineTax = taxes.reduce((sum, amount) => sum + amount, 0);
      // A VAT-inclusive line is restated net of its tax, so every line means the same thing to the journal.
      const net = line.taxIncluded ? computed - lineTax : computed;
      if (net < 0) throw new DraftError(`lines.${i}.tax`, 'is more than the line amount it is included in');
      const priced =
        net === computed && priceUnits === 1 ? { unitPrice, discount } : netPricing(net, discount, quantity, measure);
      const sign = line.type === 'sale' ? 1 : -1;
      total += sign * net;
      lineTaxTotal += sign * lineTax;
      const reasonCode = line.reasonCode === undefined ? undefined : normalizeReasonCode(line.reasonCode);
      if (line.reasonCode !== undefined && !reasonCode)
        throw new DraftError(`lines.${i}.reasonCode`, `"${line.reasonCode}" is not a reason code`);
      const originalOrder = line.originalOrder === undefined ? undefined : parseOriginalOrder(line.originalOrder);
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
        unitPrice: { amountMinor: priced.unitPrice.amountMinor, currency },
        discount: { amountMinor: priced.discount.amountMinor, currency },
        amount: { amountMinor: net, currency },
        ...(taxes.length ? { tax: { amountMinor: lineTax, currency } } : {}),
        ...(reasonCode ? { reasonCode } : {}),
        ...(originalOrder ? { originalOrder } : {}),
      };
    });
    const stated = raw.tax.reduce((sum, amount, i) => sum + money(`tax.${i}`, amount).amountMinor, 0);
    const taxedLines = raw.lines.some((line) => line.tax.length > 0);
    if (taxedLines && raw.tax.length > 0 && stated !== lineTaxTotal) {
      return fail(
        'tax',
        `adds up to ${formatDecimalMoney({ amountMinor: stated, currency })} but the lines' own taxes to ${formatDecimalMoney({ amountMinor: lineTaxTotal, currency })} (sales - returns): with tax per line, the transaction's tax is their summary`,
      );
    }
    if (raw.taxIncluded && !taxedLines && stated !== 0) {
      return fail(
        'taxIncluded',
        "says the tax is included in the line amounts, but no line gives its own: give each line's tax, so it can be taken out of that line",
      );
    }
    const tax = { amountMinor: taxedLines ? lineTaxTotal : stated, currency };
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
        endedAt: zoned || raw.endedAt,
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

/**
 * quantity x a price quoted for `priceUnits` units (3 for 1.00), in minor units, as the till rounded
 * it: its line amount (plus the discount) when that is the exact share rounded down or up, else the
 * share rounded half up, which the amount check then names. Exact when the price is per unit.
 */
function groupGross(
  unitPriceMinor: number,
  quantity: number,
  priceUnits: number,
  given: Money | undefined,
  discountMinor: number,
): number {
  const product = BigInt(unitPriceMinor) * BigInt(quantity);
  const units = BigInt(priceUnits);
  const floor = Number(product / units);
  const ceil = product % units === 0n ? floor : floor + 1;
  const tillGross = given === undefined ? undefined : given.amountMinor + discountMinor;
  if (tillGross === floor || tillGross === ceil) return tillGross;
  return Number((product * 2n + units) / (units * 2n));
}

/**
 * A line restated at its net amount (after its included tax, or at a group price): the unit price
 * that, times the quantity (or the measure), less the discount, gives exactly `net`, rounded up, with
 * what the rounding adds (less than a minor unit per unit) joining the store's discount.
 */
function netPricing(
  net: number,
  discount: Money,
  quantity: number,
  measure: Measure | undefined,
): { unitPrice: Money; discount: Money } {
  const gross = BigInt(net + discount.amountMinor);
  if (measure) {
    const thousandths = BigInt(measure.thousandths);
    const unitPriceMinor = Number((gross * 1000n + thousandths - 1n) / thousandths);
    const rung = measuredPrice(unitPriceMinor, measure.thousandths).nearest;
    return {
      unitPrice: { amountMinor: unitPriceMinor, currency: discount.currency },
      discount: { amountMinor: rung - net, currency: discount.currency },
    };
  }
  const unitPriceMinor = Number((gross + BigInt(quantity) - 1n) / BigInt(quantity));
  return {
    unitPrice: { amountMinor: unitPriceMinor, currency: discount.currency },
    discount: { amountMinor: unitPriceMinor * quantity - net, currency: discount.currency },
  };
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

/**
 * A sale line naming an online order: that order's pickup handed over at the till. Its stock and
 * revenue are the order's (collected through its store task), not the till's.
 */
export function isPickupHandOver(line: Pick<PosLine, 'type' | 'originalOrder'>): boolean {
  return line.type === 'sale' && line.originalOrder !== undefined;
}

/**
 * The online orders a completed transaction hands over at the till (its sale lines naming an order),
 * each once, with the till that rang them up.
 */
export function pickupHandOversOf(
  transaction: PosTransaction,
): { orderId: string; storeId: string; registerId: string }[] {
  if (transaction.disposition !== 'completed') return [];
  const orderIds = new Set(
    transaction.lines
      .filter(isPickupHandOver)
      .flatMap((line) => (line.originalOrder ? [line.originalOrder.orderId] : [])),
  );
  const { storeId, registerId } = transaction.key;
  return [...orderIds].map((orderId) => ({ orderId, storeId, registerId }));
}

/** Channels whose orders a store can take back; the till's own sales are transactions, not orders. */
const ORDER_CHANNELS = SalesChannel.options.filter((channel) => channel !== 'pos');

/**
 * Reads the order reference a till recorded on a line (a return's order, a pickup's hand-over): our order id (`ord_...`), or
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
  const key = schemas().RawKey.safeParse({
    storeId: fields.storeId,
    registerId: fields.registerId,
    businessDay: fields.businessDay,
    sequence: fields.sequence,
  });
  return key.success ? { key: key.data } : {};
}
