import { createHash } from 'node:crypto';
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';

/**
 * Byte-level plumbing shared by the POS batch parsers: gzip detected by its magic bytes (not by the
 * file name), lines split on bytes so that every line has a byte offset a later invocation can resume
 * from, and bounded buffers throughout: memory depends on the longest line, never on the file size.
 */

export type ByteChunks = AsyncIterable<Buffer | Uint8Array | string>;

const GZIP_MAGIC = [0x1f, 0x8b];

/**
 * The decompressed content of an upload, gunzipped when it starts with the gzip magic bytes.
 * `gzip` says which; a corrupt gzip stream fails the iteration with zlib's error.
 */
export async function decompressed(raw: ByteChunks): Promise<{ gzip: boolean; chunks: AsyncIterable<Buffer> }> {
  const iterator = raw[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  let ended = false;
  while (head.length < GZIP_MAGIC.length) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    head = Buffer.concat([head, toBuffer(next.value)]);
  }
  const gzip = head.length >= 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
  const all = (async function* rest(): AsyncGenerator<Buffer> {
    if (head.length) yield head;
    if (ended) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield toBuffer(next.value);
    }
  })();
  if (!gzip) return { gzip, chunks: all };
  // Node's gunzip reads concatenated gzip members too, as `cat a.gz b.gz` produces.
  const gunzip = pipeline(Readable.from(all, { objectMode: false }), createGunzip(), () => undefined);
  return { gzip, chunks: gunzip as AsyncIterable<Buffer> };
}

export interface SourceLine {
  /** 1-based line number in the decompressed content. */
  lineNumber: number;
  /** Byte offset, in the decompressed content, just after this line's newline: where the next line starts. */
  nextOffset: number;
  /** The line without its line ending; '' for an over-long line (see `tooLong`). */
  text: string;
  /** The line was longer than the limit; its bytes were skipped, not buffered. */
  tooLong?: boolean;
}

/** Lines longer than this are reported as bad lines instead of being held in memory. */
export const MAX_LINE_BYTES = 1024 * 1024;

/**
 * Splits bytes into lines on "\n" (a trailing "\r" is dropped), in batches (one per input chunk) so a
 * consumer pays the async-iteration cost per chunk rather than per line. Starts counting at `from`,
 * which lets an invocation resume mid-file from a byte offset. Strips a UTF-8 byte order mark at
 * offset 0. Text is decoded as UTF-8; the integrity pass (checkReadable) has already refused a file
 * that is not.
 */
export async function* lineBatches(
  chunks: AsyncIterable<Buffer>,
  from: { line: number; offset: number } = { line: 1, offset: 0 },
  maxLineBytes = MAX_LINE_BYTES,
): AsyncGenerator<SourceLine[]> {
  let lineNumber = from.line;
  let offset = from.offset;
  // The unfinished line from earlier chunks, as pieces: joined once its newline arrives, so a chunk
  // is never copied whole.
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let skipping = false;
  const emit = (batch: SourceLine[], text: string, length: number, tooLong: boolean) => {
    offset += length;
    batch.push(
      tooLong ? { lineNumber, nextOffset: offset, text: '', tooLong } : { lineNumber, nextOffset: offset, text },
    );
    lineNumber += 1;
  };
  for await (const chunk of chunks) {
    const batch: SourceLine[] = [];
    let start = 0;
    let newline = chunk.indexOf(10);
    if (newline !== -1 && (pendingBytes > 0 || skipping)) {
      // The line that began in an earlier chunk ends here.
      const length = pendingBytes + newline + 1;
      if (skipping || length - 1 > maxLineBytes) emit(batch, '', length, true);
      else
        emit(
          batch,
          decodeLine(Buffer.concat([...pending, chunk.subarray(0, newline)]), 0, length - 1, offset === 0),
          length,
          false,
        );
      pending = [];
      pendingBytes = 0;
      skipping = false;
      start = newline + 1;
      newline = chunk.indexOf(10, start);
    }
    for (; newline !== -1; newline = chunk.indexOf(10, start)) {
      const length = newline + 1 - start;
      if (length - 1 > maxLineBytes) emit(batch, '', length, true);
      else emit(batch, decodeLine(chunk, start, newline, offset === 0), length, false);
      start = newline + 1;
    }
    if (start < chunk.length) {
      pendingBytes += chunk.length - start;
      if (skipping || pendingBytes > maxLineBytes) {
        // Count the bytes of an over-long line but keep none of them.
        skipping = true;
        pending = [];
      } else {
        pending.push(chunk.subarray(start));
      }
    }
    if (batch.length) yield batch;
  }
  if (skipping) yield [{ lineNumber, nextOffset: offset + pendingBytes, text: '', tooLong: true }];
  else if (pendingBytes > 0) {
    const last = Buffer.concat(pending);
    yield [{ lineNumber, nextOffset: offset + pendingBytes, text: decodeLine(last, 0, last.length, offset === 0) }];
  }
}

function decodeLine(buffer: Buffer, start: number, end: number, atFileStart: boolean): string {
  let stop = end;
  if (stop > start && buffer[stop - 1] === 13) stop -= 1;
  let begin = start;
  if (atFileStart && buffer[begin] === 0xef && buffer[begin + 1] === 0xbb && buffer[begin + 2] === 0xbf) begin += 3;
  return buffer.toString('utf8', begin, stop);
}

export type Readability =
  | { readable: true; gzip: boolean; sha256: string; bytes: number; lineCount: number }
  | { readable: false; reason: string };

/**
 * Reads a whole upload once, before anything is applied from it, and says whether it can be read to
 * its end: gzip (by magic bytes) that inflates, UTF-8 text without NUL bytes. Computes, on the bytes
 * as uploaded, the SHA-256 a manifest is checked against, and counts the lines of the text. `inspect`
 * sees the decoded text as it streams (the CSV header check, the XML well-formedness check) and
 * returns a reason to refuse the file. Memory stays at one chunk.
 */
export async function checkReadable(
  raw: ByteChunks,
  options: { namedGzip: boolean; inspect?: TextInspector },
): Promise<Readability> {
  const hash = createHash('sha256');
  let bytes = 0;
  const tapped = (async function* tap(): AsyncGenerator<Buffer> {
    for await (const chunk of raw) {
      const buffer = toBuffer(chunk);
      hash.update(buffer);
      bytes += buffer.length;
      yield buffer;
    }
  })();
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let gzip = false;
  let newlines = 0;
  let textBytes = 0;
  let lastByte = 10;
  try {
    const content = await decompressed(tapped);
    gzip = content.gzip;
    if (options.namedGzip && !gzip)
      return { readable: false, reason: 'the name ends in .gz but the content is not gzip' };
    let first = true;
    for await (const chunk of content.chunks) {
      if (
        first &&
        chunk.length >= 2 &&
        ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff))
      ) {
        return {
          readable: false,
          reason: 'the text is UTF-16 (it starts with a UTF-16 byte order mark); uploads must be UTF-8',
        };
      }
      first = false;
      const nul = chunk.indexOf(0);
      if (nul !== -1)
        return {
          readable: false,
          reason: `the content has a NUL byte on line ${newlines + countNewlines(chunk.subarray(0, nul)) + 1}: it is not UTF-8 text`,
        };
      let text: string;
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch {
        return { readable: false, reason: `the text is not valid UTF-8 (near line ${newlines + 1})` };
      }
      const refusal = options.inspect?.write(text, newlines + 1);
      if (refusal) return { readable: false, reason: refusal };
      newlines += countNewlines(chunk);
      textBytes += chunk.length;
      lastByte = chunk[chunk.length - 1];
    }
    try {
      decoder.decode();
    } catch {
      return { readable: false, reason: 'the text is not valid UTF-8 (it ends inside a character)' };
    }
  } catch (error) {
    if (isZlibError(error))
      return { readable: false, reason: `the gzip stream is corrupt or truncated: ${(error as Error).message}` };
    throw error; // the object store failed: not the file's fault, retry
  }
  if (textBytes === 0) return { readable: false, reason: 'the file is empty' };
  const refusal = options.inspect?.end();
  if (refusal) return { readable: false, reason: refusal };
  return { readable: true, gzip, sha256: hash.digest('hex'), bytes, lineCount: newlines + (lastByte === 10 ? 0 : 1) };
}

/** Looks at a file's text as it streams past; answers a reason to refuse the file, or undefined. */
export interface TextInspector {
  write(text: string, firstLineNumber: number): string | undefined;
  end(): string | undefined;
}

function countNewlines(buffer: Buffer): number {
  let count = 0;
  for (let i = buffer.indexOf(10); i !== -1; i = buffer.indexOf(10, i + 1)) count += 1;
  return count;
}

/** zlib's errors carry Z_DATA_ERROR, Z_BUF_ERROR (truncated), ...; anything else came from the source. */
function isZlibError(error: unknown): boolean {
  return String((error as { code?: unknown }).code ?? '').startsWith('Z_');
}

function toBuffer(chunk: Buffer | Uint8Array | string): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  return typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}
