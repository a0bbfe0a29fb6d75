import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parse } from 'csv-parse/sync';
import { splitCsvRow } from '#shared/text/csv-row';
import { csvLines, generatedTransactions, take } from '../test/fixtures/pos/generate';
import { opsPerSecond, report } from './harness';

/** Rows split per timed operation, so the harness's clock reads cost nothing beside a row. */
const BLOCK = 100;

/**
 * Our CSV row splitter against csv-parse, the library issue 22 would have it give way to, on the rows
 * both callers read: the POS upload (generated batch and the fixture, its description quoted) and
 * catalog import rows, a third plain, a third with quoted commas, a third with doubled quotes. The
 * callers get one line at a time from lineBatches, which they need for byte offsets and line numbers,
 * so the figure is csv-parse's `parse` of one row; csv-parse over a whole file's text at once, its
 * best case (the streaming parser runs the same state machine plus stream overhead), is in the notes.
 * Before timing, both must give the same fields on every row and refuse the same broken rows.
 */
export function benchCsvRows(): void {
  const fixture = readFileSync(path.resolve(__dirname, '../test/fixtures/pos/store-042-batch.csv'), 'utf8')
    .trimEnd()
    .split('\n')
    .slice(1);
  const generated = [...csvLines(take(300, generatedTransactions()))].slice(1);
  compare('CSV row splitting, POS upload rows', [...generated, ...fixture]);
  compare('CSV row splitting, catalog import rows (two thirds quoted)', catalogRows(999));
}

function compare(name: string, rows: string[]): void {
  assertSameFields(rows);
  const rowByRow = (split: (row: string) => unknown) => {
    let next = 0;
    return (
      BLOCK *
      opsPerSecond(() => {
        for (let n = 0; n < BLOCK; n += 1) {
          split(rows[next]);
          next = next + 1 === rows.length ? 0 : next + 1;
        }
      })
    );
  };
  const ours = rowByRow(splitCsvRow);
  const library = rowByRow((row) => parse(row, PARSE_OPTIONS));
  const text = `${rows.join('\n')}\n`;
  const oursWhole =
    rows.length *
    opsPerSecond(() => {
      for (const row of text.split('\n')) if (row) splitCsvRow(row);
    });
  const libraryWhole =
    rows.length *
    opsPerSecond(() => {
      parse(text, PARSE_OPTIONS);
    });
  report({
    name,
    unit: 'rows/s',
    value: ours,
    ceilingName: 'csv-parse, one row at a time as the callers read',
    ceiling: library,
    notes: `over a whole file's text at once, ours ${Math.round(oursWhole).toLocaleString('en-US')} vs csv-parse ${Math.round(libraryWhole).toLocaleString('en-US')} rows/s (${(oursWhole / libraryWhole).toFixed(2)}x)`,
  });
}

/** RFC 4180 as splitCsvRow reads it; rows of a file may differ in width, each caller checks that itself. */
const PARSE_OPTIONS = { relax_column_count: true } as const;

/** Fails the bench loudly if the two disagree on any row: a faster splitter giving other fields is no match. */
function assertSameFields(rows: string[]): void {
  for (const row of rows) {
    const ours = splitCsvRow(row);
    const library = parse(row, PARSE_OPTIONS) as string[][];
    if (!isDeepStrictEqual([ours], library))
      throw new Error(
        `splitCsvRow and csv-parse disagree on ${JSON.stringify(row)}: ${JSON.stringify(ours)} vs ${JSON.stringify(library)}`,
      );
  }
  const lineByLine = rows.map((row) => splitCsvRow(row));
  if (!isDeepStrictEqual(parse(`${rows.join('\n')}\n`, PARSE_OPTIONS), lineByLine)) {
    throw new Error('csv-parse over the whole text gives other rows than splitCsvRow line by line');
  }
  for (const broken of ['a,"open', 'a,"closed"after,b', 'a,un"quoted,b']) {
    const refusedByUs = !Array.isArray(splitCsvRow(broken));
    let refusedByLibrary = false;
    try {
      parse(broken, PARSE_OPTIONS);
    } catch {
      refusedByLibrary = true;
    }
    if (!refusedByUs || !refusedByLibrary)
      throw new Error(
        `${JSON.stringify(broken)}: splitCsvRow ${refusedByUs ? 'refuses' : 'accepts'} it, csv-parse ${refusedByLibrary ? 'refuses' : 'accepts'} it`,
      );
  }
}

/** Catalog export rows in the layout catalog-import.test.ts uses: sku, title, gtin, collections, listings. */
function catalogRows(count: number): string[] {
  return Array.from({ length: count }, (_, n) => {
    const listings = `gid://shopify/ProductVariant/${n},EB-${n},offer-${n}`;
    if (n % 3 === 0) return `TEE-${n},Tee ${n},,summer|tees,${listings}`;
    if (n % 3 === 1) return `TEE-${n},"Tee, red, size ${n % 5}",4006381333932,summer|tees,${listings}`;
    return `MUG-${n},"Mug ""Classic"", 12 oz",,kitchen,${listings}`;
  });
}
