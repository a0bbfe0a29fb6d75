import type { S3Client } from '@aws-sdk/client-s3';
import { ListObjectsV2Command, PutObjectCommand, s3Client } from './aws-clients';
import { readObjectText } from './s3-object';
import type {
  DeliveryArchive,
  ArchivedDelivery,
  ArchivedRequest,
  DeliveryVerdict,
  RequestArchive,
} from '#domain/kernel/archive';
import type { SalesChannel } from '#domain/kernel/order';

const HOUR_MS = 3_600_000;

export interface ArchivedEntry {
  key: string;
  delivery: ArchivedDelivery;
  verdict?: DeliveryVerdict;
}

/**
 * The raw archive in S3: every inbound delivery byte for byte, written before anything parses it,
 * then its verdict beside it. Keys sort by channel and time so a replay can walk a time range:
 *   webhooks/{channel}/{yyyy}/{mm}/{dd}/{hh}/{receivedAt}_{requestId}.delivery.json
 *   ... same prefix ....verdict.json
 * Channel notifications read from a queue go under notifications/, and order data fetched or pulled
 * from a channel API under api-responses/, with the same layout. A webhook request refused before or at
 * its signature check goes under unverified/{channel}/..., as headers, body hash and first 4 KiB: that
 * prefix expires after 7 days (shared/config/raw-archive-retention.ts), and no replay reads it. Requests back-office systems send to
 * the fabric's own routes go under the route's prefix, without a channel:
 *   shipments/{yyyy}/{mm}/{dd}/{hh}/{receivedAt}_{requestId}.delivery.json
 */
export class S3DeliveryArchive implements DeliveryArchive, RequestArchive {
  constructor(
    private readonly bucket: string,
    private readonly client: S3Client = s3Client(),
  ) {}

  async archiveDelivery(delivery: ArchivedDelivery): Promise<string> {
    const key = timeOrderedKey(`${delivery.source ?? 'webhooks'}/${delivery.channel}`, delivery);
    await this.put(`${key}.delivery.json`, delivery);
    return key;
  }

  async archiveRequest(request: ArchivedRequest): Promise<string> {
    const key = timeOrderedKey(request.source, request);
    await this.put(`${key}.delivery.json`, request);
    return key;
  }

  async recordVerdict(archiveKey: string, verdict: DeliveryVerdict): Promise<void> {
    await this.put(`${archiveKey}.verdict.json`, verdict);
  }

  /**
   * The webhook deliveries of `channels` received in [from, to), oldest first per channel, each with
   * its verdict when one was recorded. Walks one hour prefix at a time, so a window costs a listing
   * per channel and hour however much else the archive holds.
   */
  async *deliveriesBetween(from: Date, to: Date, channels: readonly SalesChannel[]): AsyncGenerator<ArchivedEntry> {
    for (const channel of channels) {
      for (let hour = Math.floor(from.getTime() / HOUR_MS) * HOUR_MS; hour < to.getTime(); hour += HOUR_MS) {
        const [date, time] = new Date(hour).toISOString().split('T');
        const prefix = `webhooks/${channel}/${date.replaceAll('-', '/')}/${time.slice(0, 2)}/`;
        for await (const key of this.keysUnder(prefix)) {
          if (!key.endsWith('.delivery.json')) continue;
          const delivery = await this.get<ArchivedDelivery>(key);
          const receivedAt = Date.parse(delivery?.receivedAt ?? '');
          if (!delivery || receivedAt < from.getTime() || receivedAt >= to.getTime()) continue;
          const base = key.slice(0, -'.delivery.json'.length);
          const verdict = await this.get<DeliveryVerdict>(`${base}.verdict.json`);
          yield { key: base, delivery, ...(verdict ? { verdict } : {}) };
        }
      }
    }
  }

  /** One archived delivery and its verdict, by the key archiveDelivery returned; undefined when nothing is archived there. */
  async entryAt(key: string): Promise<ArchivedEntry | undefined> {
    const delivery = await this.get<ArchivedDelivery>(`${key}.delivery.json`);
    if (!delivery) return undefined;
    const verdict = await this.get<DeliveryVerdict>(`${key}.verdict.json`);
    return { key, delivery, ...(verdict ? { verdict } : {}) };
  }

  private async *keysUnder(prefix: string): AsyncGenerator<string> {
    let ContinuationToken: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken }),
      );
      for (const object of page.Contents ?? []) if (object.Key) yield object.Key;
      ContinuationToken = page.NextContinuationToken;
    } while (ContinuationToken);
  }

  private async get<T>(key: string): Promise<T | undefined> {
    try {
      return JSON.parse(await readObjectText(this.client, this.bucket, key)) as T;
    } catch (error) {
      if ((error as Error | undefined)?.name === 'NoSuchKey') return undefined;
      throw error;
    }
  }

  private async put(key: string, document: unknown): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: JSON.stringify(document),
        ContentType: 'application/json',
      }),
    );
  }
}

/** `{prefix}/{yyyy}/{mm}/{dd}/{hh}/{receivedAt}_{requestId}`: one hour per listing prefix, oldest first. */
function timeOrderedKey(
  prefix: string,
  { receivedAt: at, requestId }: { receivedAt: string; requestId: string },
): string {
  const [date, time] = at.split('T');
  const [yyyy, mm, dd] = date.split('-');
  const hh = time.slice(0, 2);
  return `${prefix}/${yyyy}/${mm}/${dd}/${hh}/${at}_${requestId}`;
}
