import type { ListObjectsV2CommandInput, S3Client } from '@aws-sdk/client-s3';
import { ListObjectsV2Command, s3Client } from './aws-clients';
import { readObjectText } from './s3-object';
import { PosBatchSummary } from '#domain/pos/batch';
import type { QuarantinedLine } from '#domain/pos/parsed-item';

/** A batch summary's object: its key and when the ingest wrote it. */
export interface StoredSummary {
  key: string;
  writtenAt: string;
}

/**
 * What the POS ingest wrote about each upload, read back from the POS bucket for the operators:
 * summaries under summaries/{storeId}/{businessDate}/{batchId}/{uploadId}.json and quarantined lines
 * under quarantine/{uploadRef}/lines-{firstLine}.jsonl (shared/domain/pos/batch.ts). Read only.
 */
export class S3PosUploadRecords {
  constructor(
    private readonly bucket: string,
    private readonly client: S3Client = s3Client(),
  ) {}

  /** Every store that has a summary: one listing of the first level under summaries/. */
  async stores(): Promise<string[]> {
    const stores: string[] = [];
    for await (const page of this.pages({ Prefix: 'summaries/', Delimiter: '/' }))
      for (const prefix of page.CommonPrefixes ?? [])
        if (prefix.Prefix) stores.push(prefix.Prefix.slice('summaries/'.length, -1));
    return stores;
  }

  /** The summaries of one store's uploads, or of one business date's (and batch's), newest written first. */
  async summariesOf(
    storeId: string,
    within: { businessDate?: string; batchId?: string } = {},
  ): Promise<StoredSummary[]> {
    const narrower = within.businessDate ? `${within.businessDate}/${within.batchId ? `${within.batchId}/` : ''}` : '';
    const found: StoredSummary[] = [];
    for await (const page of this.pages({ Prefix: `summaries/${storeId}/${narrower}` }))
      for (const object of page.Contents ?? [])
        if (object.Key && object.LastModified)
          found.push({ key: object.Key, writtenAt: object.LastModified.toISOString() });
    return found.sort((a, b) => b.writtenAt.localeCompare(a.writtenAt) || b.key.localeCompare(a.key));
  }

  async summary(key: string): Promise<PosBatchSummary> {
    return PosBatchSummary.parse(JSON.parse(await readObjectText(this.client, this.bucket, key)));
  }

  /**
   * The quarantined lines under an upload's quarantine prefix, in file order, at most `limit` of them
   * (the parts are read one after another until the limit is reached); `more` says lines were left out.
   */
  async quarantinedLines(prefix: string, limit: number): Promise<{ lines: QuarantinedLine[]; more: boolean }> {
    const parts: string[] = [];
    for await (const page of this.pages({ Prefix: prefix }))
      for (const object of page.Contents ?? [])
        if (object.Key && /\/lines-\d+\.jsonl$/.test(object.Key)) parts.push(object.Key);
    const lines: QuarantinedLine[] = [];
    // Part names carry the first line number zero-padded, so their order is the file's.
    for (const part of parts.sort()) {
      const text = await readObjectText(this.client, this.bucket, part);
      for (const row of text.split('\n')) {
        if (!row.trim()) continue;
        if (lines.length === limit) return { lines, more: true };
        const { lineNumber, raw, reason } = JSON.parse(row) as QuarantinedLine;
        lines.push({ lineNumber, raw, reason });
      }
    }
    return { lines, more: false };
  }

  private async *pages(input: Omit<ListObjectsV2CommandInput, 'Bucket'>) {
    let ContinuationToken: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, ...input, ContinuationToken }),
      );
      yield page;
      ContinuationToken = page.NextContinuationToken;
    } while (ContinuationToken);
  }
}
