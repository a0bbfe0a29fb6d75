import type { S3Client } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, s3Client } from './aws-clients';
import type { CatalogImportObjects, CatalogImportSummary } from '#domain/catalog/catalog-import';
import type { QuarantinedLine } from '#domain/pos/parsed-item';
import type { ByteChunks } from '#shared/text/byte-stream';

/**
 * One catalog export in the catalogImports bucket: read as a stream (never buffered whole), at the
 * version or ETag the notification named, with quarantine parts and the summary written beside it.
 */
export class S3CatalogExport implements CatalogImportObjects {
  constructor(
    private readonly bucket: string,
    private readonly key: string,
    private readonly version: { versionId?: string; eTag?: string },
    private readonly client: S3Client = s3Client(),
  ) {}

  async open(): Promise<ByteChunks> {
    const { Body } = await this.client.send(
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: this.key,
        ...(this.version.versionId
          ? { VersionId: this.version.versionId }
          : this.version.eTag
            ? { IfMatch: `"${this.version.eTag.replace(/"/g, '')}"` }
            : {}),
      }),
    );
    return Body as Readable;
  }

  async writeQuarantinedLines(key: string, lines: readonly QuarantinedLine[]): Promise<void> {
    await this.put(key, `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`, 'application/x-ndjson');
  }

  async writeSummary(key: string, summary: CatalogImportSummary): Promise<void> {
    await this.put(
      key,
      JSON.stringify({ ...summary, finishedAt: new Date().toISOString() }, null, 2),
      'application/json',
    );
  }

  private async put(key: string, body: string, contentType: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }),
    );
  }
}
