import type { S3Client } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { GetObjectCommand, s3Client } from './aws-clients';
import type { ByteChunks } from '#shared/text/byte-stream';

/**
 * The settlement-reports bucket: reports are read as a stream, the version that was uploaded (by
 * version id, else on its ETag), and never changed or deleted: the upload is the raw archive.
 */
export class S3SettlementReports {
  constructor(private readonly client: S3Client = s3Client()) {}

  async open(object: { bucket: string; key: string; versionId?: string; eTag?: string }): Promise<ByteChunks> {
    const { Body } = await this.client.send(
      new GetObjectCommand({
        Bucket: object.bucket,
        Key: object.key,
        ...(object.versionId
          ? { VersionId: object.versionId }
          : object.eTag
            ? { IfMatch: `"${object.eTag.replace(/"/g, '')}"` }
            : {}),
      }),
    );
    return Body as Readable;
  }
}
