import { GetObjectCommand } from './aws-clients';
import type { S3Client } from '@aws-sdk/client-s3';

/** S3 answered a read without a body: its types allow that, a successful GetObject never does it. */
export class ObjectWithoutBodyError extends Error {
  override name = 'ObjectWithoutBodyError';
}

/**
 * The whole content of an object as text (UTF-8 unless `encoding` says otherwise), for objects small
 * enough to hold in memory. Throws what S3 throws, `NoSuchKey` included, for the caller to interpret.
 */
export async function readObjectText(
  client: S3Client,
  bucket: string,
  key: string,
  encoding?: string,
): Promise<string> {
  const { Body } = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (!Body) throw new ObjectWithoutBodyError(`s3://${bucket}/${key} came back without a body`);
  return Body.transformToString(encoding);
}
