import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { lineBatches } from '#shared/text/byte-stream';
import { checkPosBatch, readPosItems } from '#shared/pos/pos-batch-reader';
import { START, type ByteSource, type PosBatchFormat } from '#domain/pos/batch';
import { MAX_ROWS_PER_TRANSACTION } from '#shared/pos/pos-csv';
import { splitCsvRow } from '#shared/text/csv-row';
import { MAX_TRANSACTION_CHARS } from '#shared/pos/pos-poslog';
import type { PosParsedItem } from '#domain/pos/parsed-item';
import { orderIdFor } from '#domain/kernel/order';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'pos');
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name));

/** Bytes served in small, odd-sized chunks, so every boundary case (a split line, a split tag, a split character) occurs. */
function bytes(content: Buffer | string, chunkSize = 13): ByteSource {
  const buffer = Buffer.from(content);
  return {
    async open(fromByte = 0) {
      return (async function* chunks() {
        for (let i = fromByte; i < buffer.length; i += chunkSize)
          yield buffer.subarray(i, Math.min(buffer.length, i + chunkSize));
      })();
    },
  };
}

async function itemsOf(
  content: Buffer | string,
  format: PosBatchFormat,
  options: { gzip?: boolean; storeId?: string; chunkSize?: number } = {},
): Promise<PosParsedItem[]> {
  const items: PosParsedItem[] = [];
  for await (const batch of readPosItems(bytes(content, options.chunkSize), format, {
    gzip: options.gzip ?? false,
    position: START,
    ...(options.storeId ? { storeId: options.storeId } : {}),
  }))
    items.push(...batch);
  return items;
}

const truncated = (buffer: Buffer) => buffer.subarray(0, Math.floor(buffer.length / 2));
const transactionsOf = (items: PosParsedItem[]) =>
  items.map((item) => (item.kind === 'transaction' ? item.transaction : item));
const reasonsOf = (item: PosParsedItem) => (item.kind === 'rejected' ? item.lines.map((line) => line.reason) : []);

const CSV_HEADER =
  'store_id,register_id,business_day,sequence,ended_at,currency,record_type,item_code,quantity,unit_price,amount,tender_method';
const row = (sequence: number, rest: string) => `store-042,R1,2026-11-23,${sequence},2026-11-23T10:00:00Z,USD,${rest}`;

describe('the line reader', () => {
  it('numbers lines, drops CR and a leading BOM, and keeps a last line without a newline', async () => {
    const content = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('first\r\nsecond\nthird')]);
    const lines = [];
    for await (const batch of lineBatches((await bytes(content, 4).open()) as AsyncIterable<Buffer>))
      lines.push(...batch);

    expect(lines).toEqual([
      { lineNumber: 1, nextOffset: 10, text: 'first' },
      { lineNumber: 2, nextOffset: 17, text: 'second' },
      { lineNumber: 3, nextOffset: 22, text: 'third' },
    ]);
  });

  it('reports an over-long line as such without holding it in memory', async () => {
    const lines = [];
    for await (const batch of lineBatches(
      (await bytes(`short\n${'x'.repeat(100)}\nafter\n`, 16).open()) as AsyncIterable<Buffer>,
      undefined,
      32,
    ))
      lines.push(...batch);

    expect(lines.map((line) => [line.lineNumber, line.text, line.tooLong ?? false])).toEqual([
      [1, 'short', false],
      [2, '', true],
      [3, 'after', false],
    ]);
  });
});

describe('POS CSV', () => {
  it('groups the rows of a transaction, with its lines, tax and tenders (the documented sample)', async () => {
    const items = await itemsOf(fixture('store-042-batch.csv'), 'csv', { storeId: 'store-042' });

    expect(items.map((item) => [item.kind, item.firstLine])).toEqual([
      ['transaction', 2],
      ['transaction', 7],
      ['transaction', 10],
    ]);
    const [sale, damagedReturn, cancelled] = items.map((item) =>
      item.kind === 'transaction' ? item.transaction : undefined,
    );
    expect(sale).toMatchObject({
      transactionId: 'store-042:R1:2026-11-23:1001',
      operatorId: 'op-7',
      lines: [
        {
          type: 'sale',
          itemCode: 'TSHIRT-RED-M',
          description: 'T-shirt, red, M',
          quantity: 2,
          amount: { amountMinor: 4800 },
        },
        {
          type: 'sale',
          itemCode: 'MUG-WHITE',
          quantity: 1,
          discount: { amountMinor: 200 },
          amount: { amountMinor: 1000 },
        },
      ],
      tax: { amountMinor: 464 },
      tenders: [
        { method: 'card', amount: { amountMinor: 4000 } },
        { method: 'cash', amount: { amountMinor: 2264 } },
      ],
      total: { amountMinor: 6264 },
    });
    expect(damagedReturn).toMatchObject({
      lines: [{ type: 'return', reasonCode: 'DAMAGED' }],
      total: { amountMinor: -1296 },
    });
    expect(cancelled).toMatchObject({ disposition: 'cancelled', lines: [] });
  });

  it('rejects an unreadable row alone and the rest of the file proceeds', async () => {
    const csv = [
      CSV_HEADER,
      row(1, 'sale,A,1,5.00,,'),
      'not,a,row',
      row(1, 'tender,,,,5.00,cash'),
      row(2, 'sale,A,1,5.00,,'),
      row(2, 'tender,,,,5.00,cash'),
    ].join('\n');

    const items = await itemsOf(csv, 'csv');

    expect(items.map((item) => [item.kind, item.firstLine])).toEqual([
      ['transaction', 2],
      ['rejected', 3],
      ['transaction', 5],
    ]);
    expect(items[1]).toMatchObject({
      lines: [{ lineNumber: 3, raw: 'not,a,row', reason: 'the row has 3 fields but the header has 12' }],
    });
  });

  it('rejects a whole transaction when one of its rows is invalid: that row with its reason, the others as held', async () => {
    const csv = [
      CSV_HEADER,
      row(7, 'sale,A,two,5.00,,'),
      row(7, 'tender,,,,10.00,cash'),
      row(8, 'sale,B,1,5.00,,'),
      row(8, 'tender,,,,5.00,cash'),
    ].join('\n');

    const items = await itemsOf(csv, 'csv');

    expect(items[0]).toMatchObject({
      kind: 'rejected',
      key: { sequence: 7 },
      lines: [
        { lineNumber: 2, reason: 'quantity: must be a number' },
        { lineNumber: 3, reason: 'held: line 2 of transaction store-042:R1:2026-11-23:7 failed validation' },
      ],
    });
    expect(items[1]).toMatchObject({ kind: 'transaction', firstLine: 4 });
  });

  it('catches a transaction that lost a row: its tenders no longer balance', async () => {
    const csv = [CSV_HEADER, row(9, 'sale,A,1,5.00,,'), row(9, 'tender,,,,15.00,cash')].join('\n');

    const [item] = await itemsOf(csv, 'csv');

    expect(item).toMatchObject({
      kind: 'rejected',
      lines: [{ reason: 'tenders: add up to 15.00 but the transaction totals 5.00 (sales - returns + tax)' }, {}],
    });
  });

  it('refuses a runaway transaction in parts as it streams, every row quarantined, and reads on after it', async () => {
    const rows = Array.from({ length: MAX_ROWS_PER_TRANSACTION + 5 }, () => row(3, 'sale,A,1,5.00,,'));
    const csv = [CSV_HEADER, ...rows, row(4, 'sale,B,1,5.00,,'), row(4, 'tender,,,,5.00,cash')].join('\n');

    const items = await itemsOf(csv, 'csv', { chunkSize: 64 * 1024 });

    expect(items.map((item) => [item.kind, item.kind === 'rejected' ? item.lines.length : 1])).toEqual([
      ['rejected', MAX_ROWS_PER_TRANSACTION],
      ['rejected', 5],
      ['transaction', 1],
    ]);
    expect(items[1]).toMatchObject({
      lines: [
        { reason: `the transaction has more than ${MAX_ROWS_PER_TRANSACTION.toLocaleString('en-US')} rows` },
        {},
        {},
        {},
        {},
      ],
    });
  });

  it('reads RFC 4180 quoting within a row', () => {
    expect(splitCsvRow('a,"b, c","say ""hi""",')).toEqual(['a', 'b, c', 'say "hi"', '']);
    expect(splitCsvRow('a,"open')).toEqual({
      error: 'has a quoted field that never closes (a row may not span lines)',
    });
  });

  it('resumes from a byte offset to exactly what a full read yields after it', async () => {
    const content = fixture('store-042-batch.csv');
    const full = await itemsOf(content, 'csv');
    const resume = full[0].resume;

    const resumed: PosParsedItem[] = [];
    for await (const batch of readPosItems(bytes(content), 'csv', { gzip: false, position: { items: 1, ...resume } }))
      resumed.push(...batch);

    expect(resumed).toEqual(full.slice(1));
    expect(resume.offset).toBeGreaterThan(0);
  });
});

describe('POS CSV returns naming their online order', () => {
  const HEADER =
    'store_id,register_id,business_day,sequence,ended_at,currency,record_type,item_code,quantity,unit_price,amount,reason_code,tender_method,original_order';
  const returned = (sequence: number, originalOrder: string, type = 'return') =>
    [
      HEADER,
      row(sequence, `${type},TSHIRT-RED-M,1,24.00,,WRONG_SIZE,,${originalOrder}`),
      row(sequence, `tender,,,,${type === 'return' ? '-' : ''}24.00,,card,`),
    ].join('\n');

  it('reads a file without the original_order column exactly as before, and an empty column as no reference', async () => {
    const without = fixture('store-042-batch.csv').toString();
    const [header, ...rows] = without.trimEnd().split('\n');
    const withEmptyColumn = [`${header},original_order`, ...rows.map((line) => `${line},`)].join('\n');

    const before = transactionsOf(await itemsOf(without, 'csv', { storeId: 'store-042' }));
    const after = transactionsOf(await itemsOf(withEmptyColumn, 'csv', { storeId: 'store-042' }));

    expect(after).toEqual(before);
    expect(JSON.stringify(before)).not.toContain('originalOrder');
  });

  it('reads the order a return names, by channel and channel order id or by our order id', async () => {
    const byChannel = await itemsOf(returned(21, 'shopify:5600000000001'), 'csv');
    const ours = orderIdFor('woocommerce', '4711');
    const byOrderId = await itemsOf(returned(22, ours), 'csv');

    expect(transactionsOf(byChannel)).toMatchObject([
      {
        lines: [
          {
            type: 'return',
            originalOrder: {
              orderId: orderIdFor('shopify', '5600000000001'),
              channel: 'shopify',
              channelOrderId: '5600000000001',
            },
          },
        ],
      },
    ]);
    expect(transactionsOf(byOrderId)).toMatchObject([
      { lines: [{ type: 'return', originalOrder: { orderId: ours } }] },
    ]);
  });

  it('quarantines a transaction whose return names no readable order, naming the column', async () => {
    const [item] = await itemsOf(returned(23, 'shopify-5600000000001'), 'csv');

    expect(item).toMatchObject({ kind: 'rejected', key: { sequence: 23 } });
    expect(reasonsOf(item)).toEqual([
      expect.stringMatching(
        /^original_order: "shopify-5600000000001" is not an order reference: give our order id \(ord_\.\.\.\) or \{channel\}:/,
      ),
      'held: line 2 of transaction store-042:R1:2026-11-23:23 failed validation',
    ]);
  });

  it("reads a sale naming an order as that order's pickup handed over at the till, and names the column of a bad reference", async () => {
    const handedOver = await itemsOf(returned(24, 'shopify:5600000000001', 'sale'), 'csv');
    const [unreadable] = await itemsOf(returned(25, 'shopify-5600000000001', 'sale'), 'csv');

    expect(transactionsOf(handedOver)).toMatchObject([
      {
        lines: [
          {
            type: 'sale',
            originalOrder: {
              orderId: orderIdFor('shopify', '5600000000001'),
              channel: 'shopify',
              channelOrderId: '5600000000001',
            },
          },
        ],
      },
    ]);
    expect(reasonsOf(unreadable)[0]).toMatch(/^original_order: "shopify-5600000000001" is not an order reference/);
  });
});

describe('POS JSONL', () => {
  it('reads one transaction per line, returns, exchanges and control transactions included', async () => {
    const items = await itemsOf(fixture('store-042-batch.jsonl'), 'jsonl');

    expect(
      items.map((item) =>
        item.kind === 'transaction'
          ? [item.transaction.transactionId, item.transaction.disposition, item.transaction.total.amountMinor]
          : item.kind,
      ),
    ).toEqual([
      ['store-042:R2:2026-11-23:501', 'completed', 2592],
      ['store-042:R2:2026-11-23:502', 'completed', 0],
      ['store-042:R2:2026-11-23:503', 'control', 0],
    ]);
  });

  it('quarantines a line that is not JSON, with its line number, raw text and reason', async () => {
    const [good, bad] = await itemsOf(
      `${fixture('store-042-batch.jsonl').toString().split('\n')[0]}\n{"storeId": "store-042",\n`,
      'jsonl',
    );

    expect(good.kind).toBe('transaction');
    expect(bad).toMatchObject({ kind: 'rejected', lines: [{ lineNumber: 2, raw: '{"storeId": "store-042",' }] });
    expect(bad.kind === 'rejected' && bad.lines[0].reason).toMatch(/^not valid JSON/);
  });
});

describe('POS JSONL returns naming their online order', () => {
  const line = (sequence: number, returnLine: Record<string, unknown>) =>
    JSON.stringify({
      storeId: 'store-042',
      registerId: 'R2',
      businessDay: '2026-11-23',
      sequence,
      endedAt: '2026-11-23T11:20:00-05:00',
      currency: 'USD',
      lines: [{ type: 'return', itemCode: 'TSHIRT-RED-M', quantity: 1, unitPrice: '24.00', ...returnLine }],
      tenders: [{ method: 'card', amount: returnLine.type === 'sale' ? '24.00' : '-24.00' }],
    });

  it('reads a return with and without originalOrder', async () => {
    const items = await itemsOf(
      [line(601, { originalOrder: 'Amazon:111-5550001-0000001' }), line(602, {})].join('\n'),
      'jsonl',
    );

    const [named, plain] = transactionsOf(items) as { lines: Record<string, unknown>[] }[];
    expect(named.lines[0].originalOrder).toEqual({
      orderId: orderIdFor('amazon', '111-5550001-0000001'),
      channel: 'amazon',
      channelOrderId: '111-5550001-0000001',
    });
    expect(plain.lines[0]).not.toHaveProperty('originalOrder');
  });

  it('quarantines a line whose originalOrder is malformed or names the POS channel itself', async () => {
    const items = await itemsOf(
      [
        line(603, { originalOrder: 'ord_TOO-SHORT' }),
        line(604, { originalOrder: 'pos:store-042:R1:2026-11-22:17' }),
        line(605, { originalOrder: 5600000000001 }),
      ].join('\n'),
      'jsonl',
    );

    expect(items.map((item) => item.kind)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(reasonsOf(items[0])[0]).toMatch(/^lines\.0\.originalOrder: "ord_TOO-SHORT" is not an order reference/);
    expect(reasonsOf(items[1])[0]).toMatch(
      /^lines\.0\.originalOrder: "pos:store-042:R1:2026-11-22:17" is not an order reference.* with a channel of shopify, woocommerce, amazon, ebay, walmart, square,/,
    );
    expect(reasonsOf(items[2])).toEqual(['lines.0.originalOrder: must be text such as "shopify:5600000000001"']);
  });

  it('reads a sale line naming an order (a pickup handed over at the till) with its reference', async () => {
    const items = await itemsOf(line(606, { type: 'sale', originalOrder: 'shopify:5600000000001' }), 'jsonl');

    const [handedOver] = transactionsOf(items) as { lines: Record<string, unknown>[] }[];
    expect(handedOver.lines[0]).toMatchObject({
      type: 'sale',
      originalOrder: { orderId: orderIdFor('shopify', '5600000000001'), channel: 'shopify' },
    });
  });
});

describe('ARTS POSLog', () => {
  it('reads sale and return line items, tax, tenders with change, and skips voided lines', async () => {
    const items = await itemsOf(gzipSync(fixture('store-042-poslog.xml')), 'xml', { gzip: true, storeId: 'store-042' });

    expect(items.map((item) => item.kind)).toEqual(['transaction', 'transaction', 'transaction']);
    const [retail, control, cancelled] = items.map((item) =>
      item.kind === 'transaction' ? item.transaction : undefined,
    );
    expect(retail).toMatchObject({
      transactionId: 'store-042:R3:2026-11-23:7001',
      endedAt: '2026-11-23T12:01:30-05:00',
      operatorId: 'op-9',
      lines: [
        {
          lineNumber: 1,
          type: 'sale',
          itemCode: 'TSHIRT-RED-M',
          description: 'T-shirt red M',
          quantity: 2,
          amount: { amountMinor: 4800 },
        },
        {
          lineNumber: 2,
          type: 'return',
          itemCode: 'MUG-WHITE',
          quantity: 1,
          amount: { amountMinor: 1200 },
          reasonCode: 'DEFECTIVE',
        },
      ],
      tax: { amountMinor: 288 },
      tenders: [
        { method: 'cash', amount: { amountMinor: 4000 } },
        { method: 'cash', amount: { amountMinor: -112 } },
      ],
      total: { amountMinor: 3888 },
    });
    expect(control).toMatchObject({ disposition: 'control', currency: 'XXX', lines: [] });
    expect(cancelled).toMatchObject({ disposition: 'cancelled', lines: [] });
    expect(items[0].firstLine).toBe(3);
  });

  it('rejects an invalid transaction alone, with the line it starts on and its XML as raw', async () => {
    const xml = fixture('store-042-poslog.xml')
      .toString()
      .replace('<SequenceNumber>7002</SequenceNumber>', '<SequenceNumber>seven</SequenceNumber>');

    const items = await itemsOf(xml, 'xml');

    expect(items.map((item) => item.kind)).toEqual(['transaction', 'rejected', 'transaction']);
    expect(items[1]).toMatchObject({
      firstLine: 52,
      lines: [{ lineNumber: 52, reason: 'sequence: must be a number' }],
    });
    const raw = items[1].kind === 'rejected' ? items[1].lines[0].raw : '';
    expect(raw.startsWith('<Transaction>')).toBe(true);
    expect(raw.endsWith('</Transaction>')).toBe(true);
    expect(raw).toContain('<NoSale/>');
  });
});

describe('ARTS POSLog limits', () => {
  it('refuses a transaction larger than the limit without holding it, and reads on after it', async () => {
    const filler = `<LineItem><Sale><ItemID>X</ItemID><Description>${'x'.repeat(1000)}</Description></Sale></LineItem>`;
    const huge = `<Transaction><RetailStoreID>store-042</RetailStoreID><RetailTransaction>${filler.repeat(Math.ceil((1.5 * MAX_TRANSACTION_CHARS) / filler.length))}</RetailTransaction></Transaction>`;
    const xml = fixture('store-042-poslog.xml').toString().replace('<Transaction>', `${huge}\n  <Transaction>`);

    const items = await itemsOf(Buffer.from(xml), 'xml', { chunkSize: 64 * 1024 });

    expect(items.map((item) => item.kind)).toEqual(['rejected', 'transaction', 'transaction', 'transaction']);
    const rejected = items[0].kind === 'rejected' ? items[0].lines[0] : undefined;
    expect(rejected?.reason).toBe('the transaction is larger than 8 MiB of XML');
    expect(rejected?.raw.startsWith('<Transaction><RetailStoreID>store-042')).toBe(true);
    expect(rejected!.raw.length).toBeLessThan(70 * 1024);
  });
});

describe('the integrity pass', () => {
  it('detects gzip by its magic bytes, whatever the name says, and hashes the bytes as uploaded', async () => {
    const gzipped = gzipSync(fixture('store-042-batch.jsonl'));

    const result = await checkPosBatch(bytes(gzipped), 'jsonl', false);

    expect(result).toMatchObject({ readable: true, gzip: true, lineCount: 3, bytes: gzipped.length });
  });

  it.each([
    [
      'a .gz name over plain text',
      'jsonl',
      true,
      Buffer.from('{}\n'),
      'the name ends in .gz but the content is not gzip',
    ],
    [
      'a truncated gzip stream',
      'jsonl',
      false,
      truncated(gzipSync(fixture('store-042-batch.jsonl'))),
      /^the gzip stream is corrupt or truncated/,
    ],
    [
      'UTF-16 text',
      'csv',
      false,
      Buffer.from(`\ufeff${CSV_HEADER}\n`, 'utf16le'),
      'the text is UTF-16 (it starts with a UTF-16 byte order mark); uploads must be UTF-8',
    ],
    [
      'Latin-1 text',
      'jsonl',
      false,
      Buffer.from('{"d":"caf\xe9"}\n', 'latin1'),
      'the text is not valid UTF-8 (near line 1)',
    ],
    [
      'a CSV without the header',
      'csv',
      false,
      Buffer.from(`${row(1, 'sale,A,1,5.00,,')}\n`),
      /^the first line is not a POS CSV header: it lacks/,
    ],
    [
      'XML that is not well-formed',
      'xml',
      false,
      Buffer.from('<POSLog><Transaction></POSLog>'),
      /^the XML is not well-formed/,
    ],
    [
      'XML that is not a POSLog',
      'xml',
      false,
      Buffer.from('<Orders/>'),
      'the root element is <Orders>, not an ARTS <POSLog>',
    ],
    ['an empty file', 'jsonl', false, Buffer.alloc(0), 'the file is empty'],
  ] as const)('refuses %s as unreadable', async (_name, format, namedGzip, content, reason) => {
    const result = await checkPosBatch(bytes(content), format, namedGzip);

    expect(result.readable).toBe(false);
    if (!result.readable)
      expect(result.reason).toEqual(typeof reason === 'string' ? reason : expect.stringMatching(reason));
  });
});
