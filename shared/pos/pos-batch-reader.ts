import { checkReadable, decompressed, lineBatches, type ByteChunks, type Readability } from '#shared/text/byte-stream';
import { csvHeaderInspector, csvItems, parseCsvHeader } from './pos-csv';
import { jsonlItems } from './pos-jsonl';
import { poslogInspector, poslogItems, utf8Texts } from './pos-poslog';
import type { PosParsedItem } from '#domain/pos/parsed-item';
import type { ByteSource, PosBatchFormat, PosBatchReader, ReadPosition } from '#domain/pos/batch';

/**
 * The integrity pass over a whole upload (see checkReadable), with the format's own check: a CSV must
 * start with the documented header, a POSLog must be well-formed XML under a <POSLog> root.
 */
export async function checkPosBatch(
  source: ByteSource,
  format: PosBatchFormat,
  namedGzip: boolean,
): Promise<Readability> {
  const inspect = format === 'csv' ? csvHeaderInspector() : format === 'xml' ? poslogInspector() : undefined;
  return checkReadable(await source.open(), { namedGzip, ...(inspect ? { inspect } : {}) });
}

/**
 * Streams an upload's parsed items in file order, from a position. An uncompressed CSV or JSONL upload
 * resumes with a ranged read at the position's byte offset (for CSV, after reading the header line
 * again); gzip and POSLog uploads are read from the start and the items already handled are skipped.
 * Batches of items, one per chunk read. With `storeId`, a transaction of another store is rejected;
 * `timeZone` (the store's) reads local end times (no UTC offset), in every format.
 */
export async function* readPosItems(
  source: ByteSource,
  format: PosBatchFormat,
  options: { gzip: boolean; position: ReadPosition; storeId?: string; timeZone?: string },
): AsyncGenerator<PosParsedItem[]> {
  const { position, storeId, timeZone } = options;
  if (position.items > 0 && position.offset !== null && !options.gzip && format !== 'xml') {
    const from = { line: position.line, offset: position.offset };
    const lines = lineBatches(toBuffers(await source.open(position.offset)), from);
    if (format === 'jsonl') {
      yield* jsonlItems(lines, { storeId, timeZone });
      return;
    }
    const header = parseCsvHeader(await firstLine(source));
    if ('error' in header) throw new Error(`cannot resume: ${header.error}`);
    yield* csvItems(lines, { header, startOffset: position.offset, storeId, timeZone });
    return;
  }
  const { chunks } = await decompressed(await source.open());
  const all =
    format === 'xml'
      ? poslogItems(utf8Texts(chunks), { storeId, timeZone })
      : format === 'jsonl'
        ? jsonlItems(lineBatches(chunks), { storeId, timeZone })
        : csvItems(lineBatches(chunks), { storeId, timeZone });
  let skip = position.items;
  for await (const batch of all) {
    if (skip >= batch.length) {
      skip -= batch.length;
      continue;
    }
    yield skip ? batch.slice(skip) : batch;
    skip = 0;
  }
}

async function firstLine(source: ByteSource): Promise<string> {
  for await (const batch of lineBatches(toBuffers(await source.open()))) {
    for (const line of batch) if (line.text.trim() !== '') return line.text;
  }
  return '';
}

async function* toBuffers(chunks: ByteChunks): AsyncGenerator<Buffer> {
  for await (const chunk of chunks)
    yield typeof chunk === 'string'
      ? Buffer.from(chunk)
      : Buffer.isBuffer(chunk)
        ? chunk
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/** The POS capability's reader port, over the three upload formats of the contract. */
export const posBatchReader: PosBatchReader = { check: checkPosBatch, read: readPosItems };
