import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { describeIssues, toPosTransactionDraft, type RawPosLine, type RawPosTender } from '#domain/pos/transaction';
import type { TextInspector } from '#shared/text/byte-stream';
import { quarantinedRaw, type PosParsedItem } from '#domain/pos/parsed-item';

/**
 * NRF ARTS POSLog XML, read with a SAX parser (saxes): only the <Transaction> being read is held in
 * memory, as a small element tree, never the document. Element names are matched without their
 * namespace prefix, so POSLog 2.x and 6.x, default-namespaced or prefixed, read alike. What is read:
 *
 *   Transaction              CancelFlag="true" -> cancelled, TrainingModeFlag="true" -> training,
 *                            no RetailTransaction (sign-on, no-sale, till control) -> control
 *     RetailStoreID | BusinessUnit/UnitID   store     (must be the upload path's store)
 *     WorkstationID                          register
 *     SequenceNumber                         transaction sequence number
 *     BusinessDayDate, CurrencyCode, OperatorID
 *     EndDateTime                            with an offset, or local (NCR writes none): read in the
 *                                            store's time zone (the inventory policy's location timeZone)
 *     RetailTransaction/LineItem             VoidFlag="true" lines are skipped
 *       Sale | Return     ItemID | POSIdentity/POSItemID, Description,
 *                         Quantity (@UnitOfMeasureCode its unit, @Units the units the price is quoted for),
 *                         ActualSalesUnitPrice | RegularSalesUnitPrice (the actual price wins: an override),
 *                         ExtendedAmount, DiscountAmount and RetailPriceModifier/Amount (summed as the
 *                         line discount), Return: Reason | ReasonCode | Disposal/@Method
 *         Tax             the line's own taxes, inside Sale/Return or beside it in the LineItem, each
 *                         Amount (TaxableAmount and Percent are the till's working, not needed);
 *                         TaxableAmount/@TaxIncludedInTaxableAmountFlag="true" or the Sale's
 *                         TaxIncludedInPriceFlag: VAT inside the line amount, taken out, never added
 *       Tax               a LineItem of its own: the transaction's tax (TypeCode="Refund" counts
 *                         negative); with taxes on the lines it is their summary and must agree
 *       Tender            @TenderType, Amount (TypeCode="Refund" counts negative),
 *                         TenderChange/Amount (change given, negative)
 *
 * A return's original online order is not read: POSLog's TransactionLink points at an earlier POS
 * transaction (store, workstation, sequence number), not at a channel order, and no POSLog element we
 * know of names one; POSLog returns therefore always go back on hand through pos-stock-movements.
 */

/** Namespaces are not resolved: names are matched by their local part. */
type PlainOptions = { position: true; xmlns: false };

interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

/** Lines and byte offsets of the transaction being read, and its text for quarantine. */
interface TransactionCapture {
  root: XmlElement;
  stack: XmlElement[];
  line: number;
  start: number;
  /** Past MAX_TRANSACTION_CHARS: only nesting is followed to its end, and its start kept for quarantine. */
  head?: string;
}

/**
 * A transaction larger than this (checked per chunk read, so give or take a chunk) is refused without
 * being held: memory stays bounded on any input.
 */
export const MAX_TRANSACTION_CHARS = 8 * 1024 * 1024;

/**
 * Yields one item per <Transaction>, in document order, from decoded text chunks. A transaction that
 * fails validation is rejected alone, with the line its <Transaction> starts on and its XML as raw.
 * Resume points carry no byte offset: a later invocation re-reads the document and skips.
 */
export async function* poslogItems(
  texts: AsyncIterable<string>,
  options: { storeId?: string; timeZone?: string } = {},
): AsyncGenerator<PosParsedItem[]> {
  const parser = new SaxesParser<PlainOptions>({ position: true, xmlns: false });
  let items: PosParsedItem[] = [];
  let capture: TransactionCapture | undefined;
  // Text written to the parser since the transaction being read began (or since the last '<').
  let buffer = '';
  let bufferStart = 0;

  parser.on('opentagstart', (tag) => {
    if (capture || localName(tag.name) !== 'Transaction') return;
    // The parser stands just past the name (or past the '>' when there are no attributes).
    const tagStart = buffer.lastIndexOf('<', parser.position - bufferStart - 1);
    capture = {
      root: undefined as unknown as XmlElement,
      stack: [],
      line: parser.line,
      start: bufferStart + Math.max(0, tagStart),
    };
  });
  parser.on('opentag', (tag: SaxesTagPlain) => {
    if (!capture) return;
    const element: XmlElement = { name: localName(tag.name), attributes: tag.attributes, children: [], text: '' };
    const parent = capture.stack[capture.stack.length - 1];
    if (!parent) capture.root = element;
    else if (capture.head === undefined) parent.children.push(element);
    capture.stack.push(element);
  });
  const onText = (text: string) => {
    const current = capture?.head === undefined ? capture?.stack[capture.stack.length - 1] : undefined;
    if (current) current.text += text;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => {
    if (!capture) return;
    capture.stack.pop();
    if (capture.stack.length > 0) return;
    const resume = { line: parser.line + 1, offset: null };
    if (capture.head !== undefined) {
      items.push({
        kind: 'rejected',
        firstLine: capture.line,
        lines: [
          {
            lineNumber: capture.line,
            raw: quarantinedRaw(capture.head),
            reason: `the transaction is larger than ${MAX_TRANSACTION_CHARS / 2 ** 20} MiB of XML`,
          },
        ],
        resume,
      });
    } else {
      const raw = buffer.slice(capture.start - bufferStart, parser.position - bufferStart);
      items.push(transactionItem(capture.root, capture.line, raw, resume, options));
    }
    capture = undefined;
  });

  for await (const text of texts) {
    buffer += text;
    parser.write(text);
    if (capture && capture.head === undefined && bufferStart + buffer.length - capture.start > MAX_TRANSACTION_CHARS) {
      capture.head = buffer.slice(capture.start - bufferStart, capture.start - bufferStart + 64 * 1024);
      if (capture.root) capture.root.children = [];
    }
    if (!capture || capture.head !== undefined) {
      // Keep only what may be the start of a tag split across chunks.
      const lastTag = buffer.lastIndexOf('<');
      const keepFrom = lastTag === -1 ? buffer.length : lastTag;
      bufferStart += keepFrom;
      buffer = buffer.slice(keepFrom);
    }
    if (items.length) {
      yield items;
      items = [];
    }
  }
  parser.close();
  if (items.length) yield items;
}

/** Decodes UTF-8 buffers into text chunks, characters split across chunks included. */
export async function* utf8Texts(chunks: AsyncIterable<Buffer>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  let first = true;
  for await (const chunk of chunks) {
    let text = decoder.decode(chunk, { stream: true });
    if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    first = false;
    if (text) yield text;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

/**
 * Refuses, during the integrity pass, a document that is not well-formed XML or whose root is not
 * POSLog: such a file is unreadable as a whole, so nothing of it is applied.
 */
export function poslogInspector(): TextInspector {
  const parser = new SaxesParser<PlainOptions>({ position: true, xmlns: false });
  let refusal: string | undefined;
  let sawRoot = false;
  parser.on('error', (error) => {
    refusal ??= `the XML is not well-formed: ${error.message}`;
  });
  parser.on('opentag', (tag) => {
    if (sawRoot) return;
    sawRoot = true;
    if (localName(tag.name) !== 'POSLog') refusal ??= `the root element is <${tag.name}>, not an ARTS <POSLog>`;
  });
  let first = true;
  return {
    write(text) {
      if (refusal) return refusal;
      parser.write(first && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
      first = false;
      return refusal;
    },
    end() {
      if (!refusal) parser.close();
      if (!refusal && !sawRoot) refusal = 'the XML has no root element';
      return refusal;
    },
  };
}

function transactionItem(
  transaction: XmlElement,
  line: number,
  raw: string,
  resume: { line: number; offset: null },
  expected: { storeId?: string; timeZone?: string },
): PosParsedItem {
  const result = toPosTransactionDraft(readTransaction(transaction), expected);
  if (result.ok) return { kind: 'transaction', firstLine: line, transaction: result.transaction, resume };
  return {
    kind: 'rejected',
    firstLine: line,
    ...(result.key ? { key: result.key } : {}),
    lines: [{ lineNumber: line, raw: quarantinedRaw(raw), reason: describeIssues(result.issues) }],
    resume,
  };
}

function readTransaction(transaction: XmlElement): Record<string, unknown> {
  const retail = child(transaction, 'RetailTransaction');
  const disposition =
    isTrue(transaction.attributes.CancelFlag) ||
    /^(cancel+ed|voided)$/i.test(retail?.attributes.TransactionStatus ?? '')
      ? 'cancelled'
      : isTrue(transaction.attributes.TrainingModeFlag)
        ? 'training'
        : retail
          ? 'completed'
          : 'control';
  const lines: RawPosLine[] = [];
  const tax: string[] = [];
  let taxIncluded = false;
  const tenders: RawPosTender[] = [];
  for (const item of disposition === 'completed' && retail ? children(retail, 'LineItem') : []) {
    if (isTrue(item.attributes.VoidFlag)) continue;
    const sale = child(item, 'Sale');
    const returned = child(item, 'Return');
    const taxLine = child(item, 'Tax');
    const tender = child(item, 'Tender');
    const merchandise = sale ?? returned;
    if (merchandise) {
      // The line's own taxes: inside its Sale/Return (as NCR and Oracle export them) or beside it.
      const lineTaxes = [...children(merchandise, 'Tax'), ...children(item, 'Tax')].filter(
        (element) => text(element, 'Amount') !== undefined,
      );
      const quantity = child(merchandise, 'Quantity');
      const discounts = [
        text(merchandise, 'DiscountAmount'),
        ...children(merchandise, 'RetailPriceModifier').map((modifier) => text(modifier, 'Amount')),
      ].filter((amount): amount is string => amount !== undefined);
      lines.push({
        type: sale ? 'sale' : 'return',
        itemCode: text(merchandise, 'ItemID') ?? text(merchandise, 'POSIdentity', 'POSItemID') ?? '',
        description: text(merchandise, 'Description'),
        quantity: text(merchandise, 'Quantity') ?? '1',
        unit: quantity?.attributes.UnitOfMeasureCode,
        priceUnits: quantity?.attributes.Units,
        unitPrice: text(merchandise, 'ActualSalesUnitPrice') ?? text(merchandise, 'RegularSalesUnitPrice') ?? '',
        amount: text(merchandise, 'ExtendedAmount'),
        discount: discounts.length ? addDecimals(discounts) : undefined,
        // A return's tax is taken back by the line's type, however the till signed it.
        tax: lineTaxes.map((element) => unsigned(text(element, 'Amount') ?? '')),
        taxIncluded:
          lineTaxes.some(isTaxIncluded) || isTrue(text(merchandise, 'TaxIncludedInPriceFlag')) ? true : undefined,
        reasonCode: returned
          ? (text(returned, 'Reason') ??
            text(returned, 'ReasonCode') ??
            text(item, 'ReasonCode') ??
            child(returned, 'Disposal')?.attributes.Method)
          : undefined,
      });
    } else if (taxLine) {
      const amount = text(taxLine, 'Amount') ?? '';
      tax.push(isRefund(taxLine) ? negate(amount) : amount);
      taxIncluded ||= isTaxIncluded(taxLine);
    } else if (tender) {
      const amount = text(tender, 'Amount') ?? '';
      tenders.push({
        method: tender.attributes.TenderType ?? text(tender, 'TenderID') ?? '',
        amount: isRefund(tender) ? negate(amount) : amount,
      });
      const change = child(tender, 'TenderChange');
      const changeAmount = change && text(change, 'Amount');
      if (changeAmount) tenders.push({ method: change.attributes.TenderType ?? 'cash', amount: negate(changeAmount) });
    }
  }
  return {
    storeId: text(transaction, 'RetailStoreID') ?? text(transaction, 'BusinessUnit', 'UnitID'),
    registerId: text(transaction, 'WorkstationID'),
    businessDay: text(transaction, 'BusinessDayDate'),
    sequence: text(transaction, 'SequenceNumber'),
    endedAt: text(transaction, 'EndDateTime'),
    currency: text(transaction, 'CurrencyCode') ?? firstCurrencyAttribute(transaction),
    disposition,
    operatorId: text(transaction, 'OperatorID'),
    lines,
    tax,
    ...(taxIncluded ? { taxIncluded } : {}),
    tenders,
  };
}

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon === -1 ? name : name.slice(colon + 1);
}

function child(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((candidate) => candidate.name === name);
}

function children(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((candidate) => candidate.name === name);
}

/** The trimmed text of a descendant reached by names, one level each; undefined when absent or empty. */
function text(element: XmlElement, ...path: string[]): string | undefined {
  let current: XmlElement | undefined = element;
  for (const name of path) current = current && child(current, name);
  const value = current?.text.trim();
  return value ? value : undefined;
}

function firstCurrencyAttribute(element: XmlElement): string | undefined {
  if (element.attributes.Currency) return element.attributes.Currency;
  for (const candidate of element.children) {
    const found = firstCurrencyAttribute(candidate);
    if (found) return found;
  }
  return undefined;
}

function isTrue(value: string | undefined): boolean {
  return value === 'true' || value === '1';
}

/** POSLog 6's TaxableAmount/@TaxIncludedInTaxableAmountFlag: the tax is inside the amount it is levied on (VAT). */
function isTaxIncluded(tax: XmlElement): boolean {
  return isTrue(child(tax, 'TaxableAmount')?.attributes.TaxIncludedInTaxableAmountFlag);
}

function unsigned(decimal: string): string {
  const trimmed = decimal.trim();
  return trimmed.startsWith('-') ? trimmed.slice(1) : trimmed;
}

function isRefund(element: XmlElement): boolean {
  return /^refund$/i.test(element.attributes.TypeCode ?? '');
}

function negate(decimal: string): string {
  const trimmed = decimal.trim();
  return trimmed.startsWith('-') ? trimmed.slice(1) : `-${trimmed}`;
}

/** Adds decimal strings exactly (no floats); returns the input unchanged when one of them is not a decimal. */
function addDecimals(values: readonly string[]): string {
  if (values.length === 1) return values[0];
  const parsed: RegExpExecArray[] = [];
  for (const value of values) {
    const match = /^(-)?(\d+)(?:\.(\d+))?$/.exec(value.trim());
    if (!match) return value;
    parsed.push(match);
  }
  const scale = Math.max(...parsed.map((match) => match[3]?.length ?? 0));
  const sum = parsed.reduce((total, match) => {
    const [, sign, whole, fraction = ''] = match;
    const units = BigInt(whole + fraction.padEnd(scale, '0'));
    return total + (sign ? -units : units);
  }, 0n);
  const negative = sum < 0n;
  const digits = (negative ? -sum : sum).toString().padStart(scale + 1, '0');
  const result = scale ? `${digits.slice(0, digits.length - scale)}.${digits.slice(-scale)}` : digits;
  return negative ? `-${result}` : result;
}
