import { SalesChannel } from '#domain/kernel/order';
import { Product, type ChannelListing } from '#domain/kernel/product';
import { recordProductChanges, type ProductChangePorts } from './product-changes';
import { refuseUnlessOwner } from '#domain/pricing';
import { formatIssues } from '#domain/kernel/validation';
import { decompressed, lineBatches, type ByteChunks } from '#shared/text/byte-stream';
import { splitCsvRow } from '#shared/text/csv-row';
import { quarantinedRaw, type QuarantinedLine } from '#domain/pos';

/**
 * An item master export from the ERP or PIM, dropped at `incoming/{sourceSystem}/{exportId}.{jsonl|csv}[.gz]`,
 * streamed line by line (the POS byte plumbing: gzip by magic bytes, bounded line buffers) and written
 * in batches, so memory depends on the batch size, never on the catalog's. The upload itself stays in
 * the bucket untouched as the raw record; bad lines go to `quarantine/...` and a summary beside them.
 *
 * JSON Lines: one Product per line. CSV: a header naming `sku`, `title` and optionally `gtin`,
 * `collections` (separated by `|`) and per channel `{channel}_sku`, `{channel}_listing_id`, `{channel}_variant_id`.
 * An export from a system that does not own the item master is refused whole and recorded.
 * Re-running an export writes the same items and publishes ProductChanged again (consumers key on SKU).
 */

export type CatalogFormat = 'jsonl' | 'csv';

export interface CatalogExportPath {
  sourceSystem: string;
  exportId: string;
  format: CatalogFormat;
}

export function parseCatalogExportKey(key: string): CatalogExportPath | undefined {
  const match = /^incoming\/([a-z][a-z0-9-]{0,39})\/([A-Za-z0-9._-]{1,120})\.(jsonl|csv)(?:\.gz)?$/.exec(key);
  return match ? { sourceSystem: match[1], exportId: match[2], format: match[3] as CatalogFormat } : undefined;
}

export interface CatalogImportSummary {
  key: string;
  /** rejected: the file as a whole is unreadable (a CSV without its header); nothing of it applied. */
  status: 'completed' | 'refused' | 'unroutable' | 'rejected';
  reason?: string;
  sourceSystem?: string;
  lines: number;
  products: number;
  quarantinedLines: number;
  batches: number;
}

export interface CatalogImportObjects {
  open(): Promise<ByteChunks>;
  writeQuarantinedLines(key: string, lines: readonly QuarantinedLine[]): Promise<void>;
  writeSummary(key: string, summary: CatalogImportSummary): Promise<void>;
}

export interface CatalogImportLimits {
  /** Products written and published per round trip. */
  batchSize: number;
  /** Quarantined lines held before they are written out as a part. */
  quarantinePartLines: number;
}

export const DEFAULT_CATALOG_IMPORT_LIMITS: CatalogImportLimits = { batchSize: 500, quarantinePartLines: 1_000 };

/**
 * Imports one export. Throws for infrastructure failures (S3's retry runs the export again, which is
 * safe) and never for bad content: a bad key, a non-owner or bad lines end in the summary.
 */
export async function importCatalogExport(
  key: string,
  objects: CatalogImportObjects,
  ports: ProductChangePorts,
  now: () => Date,
  limits: CatalogImportLimits = DEFAULT_CATALOG_IMPORT_LIMITS,
): Promise<CatalogImportSummary> {
  const path = parseCatalogExportKey(key);
  const summary: CatalogImportSummary = {
    key,
    status: 'completed',
    lines: 0,
    products: 0,
    quarantinedLines: 0,
    batches: 0,
  };
  const base = path
    ? `${path.sourceSystem}/${path.exportId}`
    : key.replace(/^incoming\//, '').replace(/[^A-Za-z0-9._/-]/g, '_');
  if (!path) {
    const unroutable = {
      ...summary,
      status: 'unroutable' as const,
      reason: 'the key does not follow incoming/{sourceSystem}/{exportId}.{jsonl|csv}[.gz]',
    };
    await objects.writeSummary(`summaries/${base}.json`, unroutable);
    return unroutable;
  }
  summary.sourceSystem = path.sourceSystem;
  const via = `import:${key}` as const;
  // Refused whole before a line is read: nothing of a non-owner's export applies.
  const refusal = await refuseUnlessOwner(
    ports,
    'itemMaster',
    path.sourceSystem,
    `import#${key}`,
    now(),
    'catalog-import',
  );
  if (refusal) {
    const refused = { ...summary, status: 'refused' as const, reason: refusal.message };
    await objects.writeSummary(`summaries/${base}.json`, refused);
    return refused;
  }

  let pending: Product[] = [];
  let quarantine: QuarantinedLine[] = [];
  let parts = 0;
  const flushProducts = async () => {
    if (!pending.length) return;
    await recordProductChanges(pending, path.sourceSystem, via, ports, now());
    summary.products += pending.length;
    summary.batches += 1;
    pending = [];
  };
  const flushQuarantine = async () => {
    if (!quarantine.length) return;
    parts += 1;
    await objects.writeQuarantinedLines(`quarantine/${base}/part-${String(parts).padStart(4, '0')}.jsonl`, quarantine);
    quarantine = [];
  };

  const { chunks } = await decompressed(await objects.open());
  let header: CsvColumns | undefined;
  reading: for await (const batch of lineBatches(chunks)) {
    for (const line of batch) {
      if (!line.tooLong && line.text.trim() === '') continue;
      if (path.format === 'csv' && !header) {
        const columns = parseCatalogCsvHeader(line.text);
        if ('error' in columns) {
          summary.status = 'rejected';
          summary.reason = `the first line is not a catalog CSV header: it ${columns.error}`;
          break reading;
        }
        header = columns;
        continue;
      }
      summary.lines += 1;
      const parsed = line.tooLong
        ? { error: 'the line is longer than 1 MiB' }
        : header
          ? productFromCsv(line.text, header)
          : productFromJson(line.text);
      if ('error' in parsed) {
        summary.quarantinedLines += 1;
        quarantine.push({ lineNumber: line.lineNumber, raw: quarantinedRaw(line.text), reason: parsed.error });
        if (quarantine.length >= limits.quarantinePartLines) await flushQuarantine();
        continue;
      }
      pending.push(parsed.product);
      if (pending.length >= limits.batchSize) await flushProducts();
    }
  }
  await flushProducts();
  await flushQuarantine();
  await objects.writeSummary(`summaries/${base}.json`, summary);
  return summary;
}

function productFromJson(text: string): { product: Product } | { error: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { error: `not JSON: ${(error as Error).message}` };
  }
  return validProduct(json);
}

function validProduct(candidate: unknown): { product: Product } | { error: string } {
  const result = Product.safeParse(candidate);
  if (!result.success)
    return {
      error: formatIssues(result.error)
        .map((issue) => `${issue.path}: ${issue.message}`)
        .join('; '),
    };
  return { product: result.data };
}

type ListingField = 'channelSku' | 'listingId' | 'variantId';
const LISTING_SUFFIXES: Record<string, ListingField> = {
  _sku: 'channelSku',
  _listing_id: 'listingId',
  _variant_id: 'variantId',
};

interface CsvColumns {
  count: number;
  sku: number;
  title: number;
  gtin?: number;
  collections?: number;
  listings: { index: number; channel: SalesChannel; field: ListingField }[];
}

/** The header of a catalog CSV: column positions, or why it is not one. */
export function parseCatalogCsvHeader(line: string): CsvColumns | { error: string } {
  const fields = splitCsvRow(line);
  if ('error' in fields) return fields;
  const names = fields.map((field) => field.trim().toLowerCase());
  const at = (name: string) => (names.indexOf(name) === -1 ? undefined : names.indexOf(name));
  const sku = at('sku');
  const title = at('title');
  if (sku === undefined || title === undefined) return { error: 'lacks sku or title' };
  const listings: CsvColumns['listings'] = [];
  names.forEach((name, index) => {
    for (const [suffix, field] of Object.entries(LISTING_SUFFIXES)) {
      const channel = SalesChannel.safeParse(name.slice(0, -suffix.length));
      if (name.endsWith(suffix) && channel.success) listings.push({ index, channel: channel.data, field });
    }
  });
  const gtin = at('gtin');
  const collections = at('collections');
  return {
    count: names.length,
    sku,
    title,
    ...(gtin === undefined ? {} : { gtin }),
    ...(collections === undefined ? {} : { collections }),
    listings,
  };
}

function productFromCsv(text: string, columns: CsvColumns): { product: Product } | { error: string } {
  const fields = splitCsvRow(text);
  if ('error' in fields) return fields;
  if (fields.length !== columns.count) return { error: `has ${fields.length} fields, the header has ${columns.count}` };
  const listings = new Map<SalesChannel, Partial<ChannelListing>>();
  for (const { index, channel, field } of columns.listings) {
    if (!fields[index]) continue;
    listings.set(channel, { ...listings.get(channel), channel, [field]: fields[index] });
  }
  const optional = (index: number | undefined) => (index !== undefined && fields[index] ? fields[index] : undefined);
  const collections = optional(columns.collections);
  return validProduct({
    sku: fields[columns.sku],
    title: fields[columns.title],
    ...(optional(columns.gtin) ? { gtin: optional(columns.gtin) } : {}),
    ...(collections ? { collections: collections.split('|') } : {}),
    listings: [...listings.values()],
  });
}
