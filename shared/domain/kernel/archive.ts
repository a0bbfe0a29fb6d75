import type { SalesChannel } from './order';

/** What the raw archive keeps for every delivery: written before anything parses the body. */
export interface ArchivedDelivery {
  channel: SalesChannel;
  /**
   * How it arrived; the archive's top-level prefix. Webhooks unless said otherwise; `unverified` for a
   * request refused before or at the signature check, a prefix that expires (docs/deploy.md).
   */
  source?: 'webhooks' | 'notifications' | 'api-responses' | 'unverified';
  requestId: string;
  receivedAt: string;
  headers: Record<string, string>;
  sizeBytes: number;
  /** The whole body; absent for an unverified request, which keeps only its hash and first bytes. */
  bodyBase64?: string;
  /** An unverified request's body: SHA-256 of all of it (hex) and its first UNVERIFIED_BODY_HEAD_BYTES. */
  bodySha256?: string;
  bodyHeadBase64?: string;
}

/** How much of an unverified request's body is kept: enough to see what it was, too little to store a payload in. */
export const UNVERIFIED_BODY_HEAD_BYTES = 4096;

export type DeliveryOutcome = 'accepted' | 'duplicate' | 'ignored' | 'needs_attention' | 'rejected';

export interface DeliveryVerdict {
  outcome: DeliveryOutcome;
  status: number;
  reason?: string;
  deliveryId?: string;
  orderId?: string;
  decidedAt: string;
}

/** An answer to an archived request, with what its verdict records: the outcome, why, and the business id it carried. */
export interface ArchivedAnswer {
  status: number;
  body: Record<string, unknown>;
  outcome: DeliveryOutcome;
  reason?: string;
  deliveryId?: string;
}

/** The verdict recorded beside an archived request for its answer; the order id is taken from the answer's body. */
export function verdictFor(answer: ArchivedAnswer, decidedAt = new Date()): DeliveryVerdict {
  return {
    outcome: answer.outcome,
    status: answer.status,
    decidedAt: decidedAt.toISOString(),
    ...(answer.reason ? { reason: answer.reason } : {}),
    ...(answer.deliveryId ? { deliveryId: answer.deliveryId } : {}),
    ...(typeof answer.body.orderId === 'string' ? { orderId: answer.body.orderId } : {}),
  };
}

export interface DeliveryArchive {
  /** Returns the archive key under which the verdict is recorded. */
  archiveDelivery(delivery: ArchivedDelivery): Promise<string>;
  recordVerdict(archiveKey: string, verdict: DeliveryVerdict): Promise<void>;
}

/**
 * A back-office system's request to one of the fabric's own routes (a warehouse confirming a
 * shipment): kept like a channel's delivery, under the route's prefix, since no channel sent it.
 */
export interface ArchivedRequest extends Omit<ArchivedDelivery, 'channel' | 'source'> {
  source: 'shipments';
}

export interface RequestArchive {
  /** Returns the archive key under which the verdict is recorded. */
  archiveRequest(request: ArchivedRequest): Promise<string>;
  recordVerdict(archiveKey: string, verdict: DeliveryVerdict): Promise<void>;
}
