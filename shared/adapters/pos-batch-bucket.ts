import type { S3Client } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { CopyObjectCommand, GetObjectCommand, PutObjectCommand, s3Client } from './aws-clients';
import { readObjectText } from './s3-object';
import { PosUploadSupersededError, type PosBatchObjects } from '#domain/pos/batch-ingest';
import type { PosBatchSummary, PosUpload } from '#domain/pos/batch';
import type { QuarantinedLine } from '#domain/pos/parsed-item';
import type { ByteSource } from '#domain/pos/batch';
import type { ByteChunks } from '#shared/text/byte-stream';

/**
 * The POS bucket: uploads are streamed (never buffered whole), one object version at a time, and the
 * fabric adds quarantine and summary objects beside them. Nothing is deleted (the fabric's buckets are
 * append-only): an unreadable upload is copied into quarantine, and its summary says so.
 */
export class S3PosBatchObjects implements PosBatchObjects {
  constructor(private readonly client: S3Client = s3Client()) {}

  /**
   * Reads the upload's own version: by version id in a versioned bucket, else on the condition that
   * its ETag still matches. A replaced object throws PosUploadSupersededError.
   */
  source(upload: PosUpload): ByteSource {
    return {
      open: async (fromByte?: number): Promise<ByteChunks> => {
        try {
          const { Body } = await this.client.send(
            new GetObjectCommand({
              Bucket: upload.bucket,
              Key: upload.key,
              ...(upload.versionId
                ? { VersionId: upload.versionId }
                : upload.eTag
                  ? { IfMatch: `"${upload.eTag.replace(/"/g, '')}"` }
                  : {}),
              ...(fromByte ? { Range: `bytes=${fromByte}-` } : {}),
            }),
          );
          return Body as Readable;
        } catch (error) {
          const code = errorCode(error);
          if (code === 'InvalidRange') return emptyChunks(); // resuming exactly at the end
          if (code === 'PreconditionFailed' || code === 'NoSuchKey' || code === 'NoSuchVersion') {
            throw new PosUploadSupersededError(`${upload.key} (${upload.uploadId}) is no longer there: ${code}`, {
              cause: error,
            });
          }
          throw error;
        }
      },
    };
  }

  async readManifest(bucket: string, key: string): Promise<{ json: unknown } | { invalid: string } | undefined> {
    let text: string;
    try {
      text = await readObjectText(this.client, bucket, key, 'utf8');
    } catch (error) {
      if (errorCode(error) === 'NoSuchKey') return undefined;
      throw error;
    }
    try {
      return { json: JSON.parse(text) };
    } catch (error) {
      return { invalid: `it is not JSON (${(error as Error).message})` };
    }
  }

  /** One JSON object per line: {lineNumber, raw, reason}. */
  async writeQuarantinedLines(bucket: string, key: string, lines: readonly QuarantinedLine[]): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: `${lines.map((line) => JSON.stringify({ lineNumber: line.lineNumber, raw: line.raw, reason: line.reason })).join('\n')}\n`,
        ContentType: 'application/x-ndjson',
      }),
    );
  }

  async quarantineFile(upload: PosUpload, prefix: string, reason: Record<string, unknown>): Promise<void> {
    const fileName = upload.key.slice(upload.key.lastIndexOf('/') + 1);
    let copied = true;
    try {
      await this.client.send(
        new CopyObjectCommand({
          Bucket: upload.bucket,
          Key: `${prefix}${fileName}`,
          CopySource: `${upload.bucket}/${encodeURIComponent(upload.key).replace(/%2F/g, '/')}${upload.versionId ? `?versionId=${encodeURIComponent(upload.versionId)}` : ''}`,
        }),
      );
    } catch (error) {
      if (errorCode(error) !== 'NoSuchKey' && errorCode(error) !== 'NoSuchVersion') throw error;
      copied = false;
    }
    await this.putJson(upload.bucket, `${prefix}reason.json`, {
      ...reason,
      file: copied ? `${prefix}${fileName}` : null,
      quarantinedAt: new Date().toISOString(),
    });
  }

  async writeSummary(bucket: string, key: string, summary: PosBatchSummary): Promise<void> {
    await this.putJson(bucket, key, summary);
  }

  private async putJson(bucket: string, key: string, document: unknown): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: JSON.stringify(document, null, 2),
        ContentType: 'application/json',
      }),
    );
  }
}

/** S3's error code: a service exception (it carries `$metadata`) is named by it, anything else may carry it as `Code`. */
function errorCode(error: unknown): string | undefined {
  const { name, Code, $metadata } = (error ?? {}) as { name?: string; Code?: string; $metadata?: unknown };
  return $metadata ? name : (Code ?? name);
}

async function* emptyChunks(): AsyncGenerator<Buffer> {
  // nothing left to read
}
