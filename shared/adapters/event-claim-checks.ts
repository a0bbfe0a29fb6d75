import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSRecord } from 'aws-lambda';
import { PutObjectCommand, s3Client } from './aws-clients';
import { readObjectText } from './s3-object';
import { ClaimCheck, type WireEvent } from '#domain/kernel/event';
import { claimCheckKey, claimedWireEvent } from '#events/claim-check';

/**
 * Claim checks in S3 for events too large for the bus: a publisher stores the detail and sends a
 * pointer, and a consumer loads the detail back before its handler sees the record, so no handler
 * knows the difference. The bucket expires objects after the bus archive's retention, so a replay
 * from the archive still finds every payload.
 */
export class S3EventClaimChecks {
  constructor(
    private readonly bucket: string,
    // Without a client of its own it takes the shared one at its first event too large for the bus,
    // not as the publisher is made: most functions never publish one, and making an S3 client is
    // about 4 ms of every cold start.
    private readonly client?: S3Client,
  ) {}

  /**
   * Stores the event's detail and returns the event to send in its place. Idempotent: the key is the
   * event's id, so a retry rewrites the same object. Throws what S3 throws (a transient failure, for
   * the caller to retry).
   */
  async check(wire: WireEvent): Promise<WireEvent> {
    const body = JSON.stringify(wire.detail);
    const key = claimCheckKey(wire);
    await (this.client ?? s3Client()).send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: 'application/json' }),
    );
    return claimedWireEvent(wire, { bucket: this.bucket, key, bytes: Buffer.byteLength(body) });
  }
}

/**
 * The record as its consumer must see it: with the detail a claim check points to loaded back into
 * the body, or unchanged when it carries none (most events, and bodies that are not fabric events at
 * all, such as a channel's own notification). Throws when the payload cannot be read, so the record
 * is retried and, if it stays unreadable, lands in its DLQ with the reason.
 */
export async function redeemClaimCheck(record: SQSRecord, client: S3Client = s3Client()): Promise<SQSRecord> {
  const body = await redeemedBody(record.body, client);
  return body === record.body ? record : { ...record, body };
}

/** A queue body with the detail its claim check points to loaded back in; the body itself when it has none. */
export async function redeemedBody(body: string, client: S3Client = s3Client()): Promise<string> {
  // Most bodies carry no pointer: the substring test spares them a second parse of up to 256 KiB.
  if (!body.includes('"claimCheck"')) return body;
  let wire: WireEvent;
  try {
    wire = JSON.parse(body) as WireEvent;
  } catch {
    return body;
  }
  const parsed = ClaimCheck.safeParse(wire?.detail?.metadata?.claimCheck);
  if (!parsed.success) return body;
  const { bucket, key } = parsed.data;
  const detail = JSON.parse(await readObjectText(client, bucket, key)) as WireEvent['detail'];
  return JSON.stringify({ ...wire, detail });
}
