import type { FieldIssue } from '#domain/kernel/validation';
import {
  describeIssues,
  posTransactionId,
  toPosTransactionDraft,
  type RawPosLine,
  type RawPosTender,
} from '#domain/pos/transaction';
import type { SourceLine, TextInspector } from '#shared/text/byte-stream';
import { splitCsvRow } from '#shared/text/csv-row';
import { quarantinedRaw, type PosParsedItem, type QuarantinedLine } from '#domain/pos/parsed-item';

/**
 * POS CSV: one row per line item, tax line or tender, the rows of one transaction next to each other
 * and repeating its key (store, register, business day, sequence). RFC 4180 quoting ("a, b" and
 * "say ""hi""") within a row; a row may not span lines. The first line is a header naming the
 * columns, in any order; unknown columns are ignored. See docs/pos-upload.md for a sample.
 */
export const POS_CSV_COLUMNS = [
  'store_id',
  'register_id',
  'business_day',
  'sequence',
  'ended_at',
  'currency',
  'disposition',
  'operator_id',
  'record_type',
  'item_code',
  'description',
  'quantity',
  'unit_price',
  'discount',
  'amount',
  'reason_code',
  'tender_method',
  // Optional, and last so that files written before them keep their layout: see parseOriginalOrder.
  'original_order',
  // The quantity's unit (each, kg, lb ...): a weighed line's quantity is "0.420" with unit kg.
  'unit',
] as const;
export type PosCsvColumn = (typeof POS_CSV_COLUMNS)[number];
const REQUIRED: readonly PosCsvColumn[] = [
  'store_id',
  'register_id',
  'business_day',
  'sequence',
  'ended_at',
  'currency',
  'record_type',
];
const KEY_COLUMNS: readonly PosCsvColumn[] = ['store_id', 'register_id', 'business_day', 'sequence'];
/** Transaction-level columns every row of a transaction repeats; they must agree. */
const TRANSACTION_COLUMNS: readonly PosCsvColumn[] = ['ended_at', 'currency', 'disposition', 'operator_id'];

export const RECORD_TYPES = ['sale', 'return', 'tax', 'tender', 'none'] as const;

/** Rows one transaction may have; more are refused, so a runaway key cannot hold the file in memory. */
export const MAX_ROWS_PER_TRANSACTION = 10_000;

/** The header line as read: the original text (kept with a checkpoint) and each column's index. */
export interface CsvHeader {
  line: string;
  columnCount: number;
  index: Partial<Record<PosCsvColumn, number>>;
}

export function parseCsvHeader(line: string): CsvHeader | { error: string } {
  const fields = splitCsvRow(line);
  if (!Array.isArray(fields)) return { error: `the header line ${fields.error}` };
  const index: Partial<Record<PosCsvColumn, number>> = {};
  fields.forEach((name, i) => {
    const column = name.trim().toLowerCase() as PosCsvColumn;
    if ((POS_CSV_COLUMNS as readonly string[]).includes(column) && index[column] === undefined) index[column] = i;
  });
  const missing = REQUIRED.filter((column) => index[column] === undefined);
  if (missing.length) return { error: `the first line is not a POS CSV header: it lacks ${missing.join(', ')}` };
  return { line, columnCount: fields.length, index };
}

/** Refuses a file whose first line is not a POS CSV header, during the integrity pass. */
export function csvHeaderInspector(): TextInspector {
  let head = '';
  let decided: string | undefined | null = null;
  const decide = (line: string) => {
    const header = parseCsvHeader(line.replace(/^\uFEFF/, '').replace(/\r$/, ''));
    decided = 'error' in header ? header.error : undefined;
  };
  return {
    write(text) {
      if (decided !== null) return undefined;
      head += text;
      const newline = head.indexOf('\n');
      if (newline !== -1) decide(head.slice(0, newline));
      else if (head.length > 64 * 1024) decided = 'the first line is not a POS CSV header: it is longer than 64 KiB';
      return decided ?? undefined;
    },
    end() {
      if (decided === null) decide(head);
      return decided ?? undefined;
    },
  };
}

interface Row {
  lineNumber: number;
  raw: string;
  fields: string[];
}

interface OpenTransaction {
  keyText: string;
  firstLine: number;
  rows: Row[];
  /** Unreadable rows met while this transaction was open: yielded right after it. */
  strays: PosParsedItem[];
  overflow?: boolean;
}

/**
 * Groups CSV rows into transactions as they stream past. A row that cannot be read at all (wrong
 * field count, broken quoting, over-long) is rejected alone; a row that is readable but invalid
 * rejects its whole transaction, the row with its own reason and its siblings as held, because half
 * a transaction would post a wrong total. `header` is given when resuming mid-file.
 */
export async function* csvItems(
  batches: AsyncIterable<SourceLine[]>,
  options: { header?: CsvHeader; startOffset?: number; storeId?: string; timeZone?: string } = {},
): AsyncGenerator<PosParsedItem[]> {
  let header = options.header;
  let open: OpenTransaction | undefined;
  let lineStart = options.startOffset ?? 0;
  for await (const lines of batches) {
    const items: PosParsedItem[] = [];
    for (const line of lines) {
      const start = lineStart;
      lineStart = line.nextOffset;
      if (!header) {
        if (line.text.trim() === '') continue;
        const parsed = parseCsvHeader(line.text);
        // The integrity pass refused files without a header; this guards direct callers.
        if ('error' in parsed) throw new Error(parsed.error);
        header = parsed;
        continue;
      }
      if (!line.tooLong && line.text.trim() === '') continue;
      const fields = readRow(line, header.columnCount);
      if (!Array.isArray(fields)) {
        const item = strayRow(line, fields.unreadable);
        if (open) open.strays.push(item);
        else items.push(item);
        continue;
      }
      const keyText = keyTextOf(header, fields);
      if (open && open.keyText !== keyText) {
        items.push(closeTransaction(open, header, options, { line: line.lineNumber, offset: start }), ...open.strays);
        open = undefined;
      }
      open ??= { keyText, firstLine: line.lineNumber, rows: [], strays: [] };
      if (open.rows.length >= MAX_ROWS_PER_TRANSACTION) {
        // A runaway transaction is refused in parts as it streams past, so it never fills memory.
        open.overflow = true;
        items.push(closeTransaction(open, header, options, { line: line.lineNumber, offset: start }), ...open.strays);
        open = { keyText, firstLine: line.lineNumber, rows: [], strays: [], overflow: true };
      }
      open.rows.push({ lineNumber: line.lineNumber, raw: line.text, fields });
    }
    if (items.length) yield items;
  }
  if (open && header)
    yield [
      closeTransaction(open, header, options, {
        line: open.rows[open.rows.length - 1].lineNumber + 1,
        offset: lineStart,
      }),
      ...open.strays,
    ];
}

/** The row's fields, or why it cannot be read at all. */
function readRow(line: SourceLine, columnCount: number): string[] | { unreadable: string } {
  if (line.tooLong) return { unreadable: 'the line is longer than 1 MiB' };
  const split = splitCsvRow(line.text);
  if (!Array.isArray(split)) return { unreadable: `the row ${split.error}` };
  if (split.length !== columnCount)
    return { unreadable: `the row has ${split.length} fields but the header has ${columnCount}` };
  return split;
}

/** The key columns of a row, joined: consecutive rows with the same key text are one transaction. */
function keyTextOf(header: CsvHeader, fields: string[]): string {
  return KEY_COLUMNS.map((column) => field(header, fields, column)).join('\u0000');
}

/** A row that cannot be read at all, rejected on its own. */
function strayRow(line: SourceLine, reason: string): PosParsedItem {
  return {
    kind: 'rejected',
    firstLine: line.lineNumber,
    lines: [{ lineNumber: line.lineNumber, raw: quarantinedRaw(line.text), reason }],
    resume: { line: line.lineNumber + 1, offset: line.nextOffset },
  };
}

function field(header: CsvHeader, fields: string[], column: PosCsvColumn): string {
  const i = header.index[column];
  return i === undefined ? '' : fields[i].trim();
}

/** CSV names for the canonical field paths, so a reason points at the column the store wrote. */
const COLUMN_OF: Record<string, PosCsvColumn> = {
  storeId: 'store_id',
  registerId: 'register_id',
  businessDay: 'business_day',
  sequence: 'sequence',
  endedAt: 'ended_at',
  currency: 'currency',
  disposition: 'disposition',
  operatorId: 'operator_id',
  type: 'record_type',
  itemCode: 'item_code',
  description: 'description',
  quantity: 'quantity',
  unitPrice: 'unit_price',
  discount: 'discount',
  amount: 'amount',
  reasonCode: 'reason_code',
  method: 'tender_method',
  originalOrder: 'original_order',
  unit: 'unit',
};

function closeTransaction(
  open: OpenTransaction,
  header: CsvHeader,
  expected: { storeId?: string; timeZone?: string },
  resume: { line: number; offset: number },
): PosParsedItem {
  const [first] = open.rows;
  const get = (row: Row, column: PosCsvColumn) => field(header, row.fields, column);
  const rowIssues = new Map<Row, string>();
  const lines: RawPosLine[] = [];
  const lineRows: Row[] = [];
  const tax: string[] = [];
  const taxRows: Row[] = [];
  const tenders: RawPosTender[] = [];
  const tenderRows: Row[] = [];
  if (open.overflow) {
    for (const row of open.rows)
      rowIssues.set(row, `the transaction has more than ${MAX_ROWS_PER_TRANSACTION.toLocaleString('en-US')} rows`);
  }
  for (const row of open.rows) {
    const differing = TRANSACTION_COLUMNS.filter((column) => get(row, column) !== get(first, column));
    if (differing.length) {
      rowIssues.set(row, `${differing.join(', ')}: differs from line ${first.lineNumber}, the transaction's first row`);
      continue;
    }
    const type = get(row, 'record_type').toLowerCase();
    switch (type) {
      case 'sale':
      case 'return':
        lines.push({
          type,
          itemCode: get(row, 'item_code'),
          description: get(row, 'description'),
          quantity: get(row, 'quantity'),
          unit: get(row, 'unit'),
          unitPrice: get(row, 'unit_price'),
          discount: get(row, 'discount'),
          amount: get(row, 'amount'),
          reasonCode: get(row, 'reason_code'),
          originalOrder: get(row, 'original_order'),
        });
        lineRows.push(row);
        break;
      case 'tax':
        tax.push(get(row, 'amount'));
        taxRows.push(row);
        break;
      case 'tender':
        tenders.push({ method: get(row, 'tender_method'), amount: get(row, 'amount') });
        tenderRows.push(row);
        break;
      case 'none':
        break;
      default:
        rowIssues.set(row, `record_type: must be one of ${RECORD_TYPES.join(', ')}, not "${type}"`);
    }
  }
  const result = toPosTransactionDraft(
    {
      storeId: get(first, 'store_id'),
      registerId: get(first, 'register_id'),
      businessDay: get(first, 'business_day'),
      sequence: get(first, 'sequence'),
      endedAt: get(first, 'ended_at'),
      currency: get(first, 'currency'),
      disposition: get(first, 'disposition').toLowerCase(),
      operatorId: get(first, 'operator_id'),
      lines,
      tax,
      tenders,
    },
    expected,
  );
  if (result.ok && rowIssues.size === 0)
    return { kind: 'transaction', firstLine: open.firstLine, transaction: result.transaction, resume };

  const transactionIssues: FieldIssue[] = [];
  if (!result.ok) {
    for (const issue of result.issues) {
      const [list, index, ...rest] = issue.path.split('.');
      const rows = list === 'lines' ? lineRows : list === 'tenders' ? tenderRows : list === 'tax' ? taxRows : undefined;
      const row = rows && index !== undefined ? rows[Number(index)] : undefined;
      if (row) {
        const column = COLUMN_OF[rest[0] ?? ''] ?? (list === 'tax' ? 'amount' : rest.join('.'));
        rowIssues.set(row, [rowIssues.get(row), `${column}: ${issue.message}`].filter(Boolean).join('; '));
      } else {
        transactionIssues.push({ path: COLUMN_OF[issue.path] ?? issue.path, message: issue.message });
      }
    }
  }
  const firstFailing = open.rows.find((row) => rowIssues.has(row));
  const id = result.ok
    ? result.transaction.transactionId
    : result.key
      ? posTransactionId(result.key)
      : `at line ${open.firstLine}`;
  // A row without issues of its own is held for the transaction's issues or, when all are on rows, for the first such row.
  const heldFor =
    transactionIssues.length || !firstFailing
      ? describeIssues(transactionIssues)
      : `held: line ${firstFailing.lineNumber} of transaction ${id} failed validation`;
  const quarantined: QuarantinedLine[] = open.rows.map((row) => ({
    lineNumber: row.lineNumber,
    raw: quarantinedRaw(row.raw),
    reason: rowIssues.get(row) ?? heldFor,
  }));
  const key = result.ok ? result.transaction.key : result.key;
  return { kind: 'rejected', firstLine: open.firstLine, ...(key ? { key } : {}), lines: quarantined, resume };
}
