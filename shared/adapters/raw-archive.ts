import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { s3Client } from './aws-clients';
import type { DeliveryArchive, ArchivedDelivery, DeliveryVerdict } from '../domain/webhook-delivery';

/**
 * The raw archive in S3: every inbound delivery byte for byte, written before anything parses it,
 * then its verdict beside it. Keys sort by channel and time so a replay can walk a time range:
 *   webhooks/{channel}/{yyyy}/{mm}/{dd}/{hh}/{receivedAt}_{requestId}.delivery.json
 *   ... same prefix ....verdict.json
 * Channel notifications read from a queue go under notifications/, and order data fetched or pulled
 * from a channel API under api-responses/, with the same layout.
 */
export class S3DeliveryArchive implements DeliveryArchive {
  constructor(private readonly bucket: string, private readonly client: S3Client = s3Client()) {}

  async archiveDelivery(delivery: ArchivedDelivery): Promise<string> {
    const key = deliveryKey(delivery);
    await this.put(`${key}.delivery.json`, delivery);
    return key;
  }

  async recordVerdict(archiveKey: string, verdict: DeliveryVerdict): Promise<void> {
    await this.put(`${archiveKey}.verdict.json`, verdict);
  }

  private async put(key: string, document: unknown): Promise<void> {
    await this.client.send(new PutObjectCommand({
      Bucket: this.bucket,
      Key: key,
      Body: JSON.stringify(document),
      ContentType: 'application/json',
    }));
  }
}

function deliveryKey(delivery: ArchivedDelivery): string {
  const at = delivery.receivedAt;
  const [date, time] = at.split('T');
  const [yyyy, mm, dd] = date.split('-');
  const hh = time.slice(0, 2);
  return `${delivery.source ?? 'webhooks'}/${delivery.channel}/${yyyy}/${mm}/${dd}/${hh}/${at}_${delivery.requestId}`;
}
