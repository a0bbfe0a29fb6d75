import { createHash } from 'node:crypto';
import type { ChannelWebhookAdapter, OrderNotice, WebhookRequest, WebhookSubject } from './channel-ports';
import { orderIdFor, type SalesChannel } from '#domain/kernel/order';
import type { FieldIssue } from '#domain/kernel/validation';
import type { FabricEvent } from '#domain/kernel/event';
import { createEvent } from '#domain/kernel/event';
import { ChannelOrderNotified, OrderNeedsAttention, RefundReported } from './events';
import { prepareChannelOrder } from './channel-order-intake';
import type { SkuCrossReference } from '#domain/kernel/sku-cross-reference';
import {
  UNVERIFIED_BODY_HEAD_BYTES,
  verdictFor,
  type ArchivedAnswer,
  type ArchivedDelivery,
  type DeliveryArchive,
  type DeliveryVerdict,
} from '#domain/kernel/archive';
import { DeliveryInProgressError, UnpublishableEventError, type EventPublisher } from '#domain/kernel/ports';
import { parseJsonExactly } from '#domain/kernel/exact-json';

export interface WebhookSecrets {
  secretFor(channel: SalesChannel): Promise<string | undefined>;
}

/**
 * Runs `accept` at most once per delivery id (within the retention window). A repeat gets the first
 * run's result with `duplicate: true`; a repeat while the first is still running throws
 * DeliveryInProgressError.
 */
export interface DeliveryDeduplicator {
  once(
    deliveryKey: string,
    accept: () => Promise<AcceptedDelivery>,
  ): Promise<AcceptedDelivery & { duplicate: boolean }>;
}

export interface AcceptedDelivery {
  orderId: string;
  outcome: 'accepted' | 'needs_attention';
  /** Why it needs attention, when that was found only on publishing. */
  reason?: string;
}

export interface WebhookAnswer {
  status: number;
  body: Record<string, unknown>;
}

export interface WebhookIntakePorts {
  archive: DeliveryArchive;
  publisher: EventPublisher;
  secrets: WebhookSecrets;
  skus: SkuCrossReference;
  deduplicator: DeliveryDeduplicator;
}

export interface WebhookLimits {
  maxBodyBytes: number;
}

/**
 * Accepts one channel webhook delivery: check size, media type and signature, archive the verified raw
 * bytes, parse the channel payload, then publish once per delivery id what it carries: a mapped order,
 * a notification to fetch the order behind the queue, or a refund. A request those checks refuse is
 * archived as its headers, hash and first 4 KiB under the expiring `unverified` prefix: anyone can send
 * one, so it must not fill the archive that is kept. Every path records a verdict beside the archived
 * request. Never throws for bad input: it answers. Throws only for infrastructure failures (archive,
 * secret store or bus down), which must surface as a 5xx so the channel retries.
 */
export async function acceptWebhookDelivery(
  request: WebhookRequest,
  adapter: ChannelWebhookAdapter,
  ports: WebhookIntakePorts,
  limits: WebhookLimits,
): Promise<WebhookAnswer> {
  const delivery = {
    channel: request.channel,
    requestId: request.requestId,
    receivedAt: request.receivedAt,
    headers: request.headers,
    sizeBytes: request.rawBody.length,
  };
  const refused = await screen(request, adapter, ports, limits);
  if (refused) {
    const archiveKey = await ports.archive.archiveDelivery({
      ...delivery,
      source: 'unverified',
      bodySha256: createHash('sha256').update(request.rawBody).digest('hex'),
      bodyHeadBase64: request.rawBody.subarray(0, UNVERIFIED_BODY_HEAD_BYTES).toString('base64'),
    });
    await ports.archive.recordVerdict(archiveKey, verdictFor(refused));
    return { status: refused.status, body: refused.body };
  }
  // Verified: archived raw, in full, before anything parses it.
  const archiveKey = await ports.archive.archiveDelivery({
    ...delivery,
    bodyBase64: request.rawBody.toString('base64'),
  });
  const answer = await decide(request, adapter, ports, archiveKey);
  await ports.archive.recordVerdict(archiveKey, verdictFor(answer));
  return { status: answer.status, body: answer.body };
}

/**
 * The checks made before the body is trusted (size, a documented unsigned handshake, media type,
 * signature): the answer to a request they refuse or answer themselves, or undefined for one the
 * channel signed.
 */
async function screen(
  request: WebhookRequest,
  adapter: ChannelWebhookAdapter,
  ports: WebhookIntakePorts,
  limits: WebhookLimits,
): Promise<ArchivedAnswer | undefined> {
  if (request.rawBody.length > limits.maxBodyBytes) {
    return reject(413, `body is ${request.rawBody.length} bytes; the limit is ${limits.maxBodyBytes}`);
  }
  // A documented exception: some channels send one unsigned request by design (WooCommerce pings a
  // new webhook with a form-encoded webhook_id and disables it unless answered 200). The adapter
  // recognises it by its exact shape; answering it publishes nothing and changes nothing.
  const handshake = adapter.handshake?.(request);
  if (handshake)
    return { status: handshake.status, body: handshake.body, outcome: 'ignored', reason: handshake.reason };

  const mediaType = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (mediaType !== 'application/json') {
    return reject(415, `content-type must be application/json, received "${mediaType || 'none'}"`);
  }
  const secret = await ports.secrets.secretFor(request.channel);
  if (!secret) throw new Error(`no webhook secret is configured for ${request.channel}`);
  if (!(await adapter.verify(request, secret))) {
    return reject(401, 'signature is missing or does not match the body');
  }
  return undefined;
}

async function decide(
  request: WebhookRequest,
  adapter: ChannelWebhookAdapter,
  ports: WebhookIntakePorts,
  archiveKey: string,
): Promise<ArchivedAnswer> {
  let json: unknown;
  try {
    json = parseJsonExactly(request.rawBody.toString('utf8'));
  } catch {
    return invalid(adapter.deliveryId(request, undefined), [{ path: '(body)', message: 'is not valid JSON' }]);
  }
  const deliveryId = adapter.deliveryId(request, json);
  const parsed = adapter.parse(request, json);
  if (!parsed.ok) return invalid(deliveryId, parsed.issues);
  const subject = parsed.value;
  if (subject.kind === 'ignored') {
    return {
      status: 200,
      body: { ignored: true, topic: subject.topic },
      outcome: 'ignored',
      reason: `topic ${subject.topic} carries no order`,
      deliveryId,
    };
  }

  const events = await eventsFor(request.channel, subject, adapter, ports, deliveryId, request.receivedAt, archiveKey);
  try {
    const result = await ports.deduplicator.once(`${request.channel}#${deliveryId}`, () =>
      publishOrHold(events, ports.publisher, request.channel, deliveryId, archiveKey),
    );
    if (result.duplicate) {
      return { status: 200, body: { orderId: result.orderId, duplicate: true }, outcome: 'duplicate', deliveryId };
    }
    const needsAttention = result.outcome === 'needs_attention';
    return {
      status: 202,
      body: { orderId: result.orderId, ...(needsAttention ? { needsAttention: true } : {}) },
      outcome: result.outcome,
      deliveryId,
      ...((result.reason ?? events.reason) ? { reason: result.reason ?? events.reason } : {}),
    };
  } catch (error) {
    if (error instanceof DeliveryInProgressError) {
      return {
        status: 409,
        body: { message: 'this delivery is already being processed; retry later' },
        outcome: 'rejected',
        reason: 'in progress',
        deliveryId,
      };
    }
    if (error instanceof UnpublishableEventError) {
      // Not an order to hold (a notification or a refund): a clear, recorded answer, never a 500 that is retried for ever.
      return {
        status: 422,
        body: { message: `the fabric cannot carry this delivery: ${error.message}` },
        outcome: 'rejected',
        reason: error.message,
        deliveryId,
      };
    }
    throw error;
  }
}

/**
 * Publishes what a verified delivery carries. An order the bus can never carry (even as a claim
 * check) is held instead, like any order the fabric cannot use as it stands: OrderNeedsAttention
 * names why and where the delivery is archived, so a fix reprocesses it from there, and the channel
 * hears 202 rather than a 500 it would retry for 48 hours.
 */
async function publishOrHold(
  events: PreparedEvents,
  publisher: EventPublisher,
  channel: SalesChannel,
  deliveryId: string,
  archiveKey: string,
): Promise<AcceptedDelivery> {
  try {
    await publisher.publish(events.publish);
    return { orderId: events.orderId, outcome: events.outcome };
  } catch (error) {
    if (!(error instanceof UnpublishableEventError) || !events.channelOrderId) throw error;
    await publisher.publish([
      createEvent(
        OrderNeedsAttention,
        {
          channel,
          channelOrderId: events.channelOrderId,
          orderId: events.orderId,
          reason: 'NOT_PUBLISHABLE',
          details: [{ path: '(order)', message: error.message }],
          archiveKey,
        },
        { correlationId: events.orderId, causationId: `${channel}:${deliveryId}` },
      ),
    ]);
    return { orderId: events.orderId, outcome: 'needs_attention', reason: error.message };
  }
}

/** What a replay did with one archived delivery. */
export type ReplayOutcome =
  | { outcome: 'republished'; orderId: string; events: FabricEvent[] }
  | { outcome: 'skipped'; reason: string };

/** Answers given before or at the signature check: those deliveries were never shown to be the channel's. */
const UNVERIFIED_STATUSES = new Set([401, 413, 415]);

/**
 * Publishes again what an archived delivery carries, for a replay: parsed and mapped with today's
 * adapter and cross-reference, so a delivery first refused for a mapping gap since fixed gets through
 * now, and without the delivery-id dedupe, since delivering again is what a replay is for. Consumers
 * dedupe on business keys (the order's version, the fetch's delivery), so a second replay changes
 * nothing. A delivery whose verdict says it failed the signature check is not replayed; one without a
 * verdict (its function stopped midway) is verified again with the current secret first.
 */
export async function replayArchivedDelivery(
  delivery: ArchivedDelivery,
  verdict: DeliveryVerdict | undefined,
  adapter: ChannelWebhookAdapter,
  ports: Pick<WebhookIntakePorts, 'publisher' | 'skus' | 'secrets'>,
  options: { detailTypes?: readonly string[] } = {},
): Promise<ReplayOutcome> {
  if (verdict && UNVERIFIED_STATUSES.has(verdict.status))
    return {
      outcome: 'skipped',
      reason: `answered ${verdict.status} when it arrived: ${verdict.reason ?? 'not verified'}`,
    };
  if (!delivery.bodyBase64) return { outcome: 'skipped', reason: 'the body was not archived' };
  const request: WebhookRequest = {
    channel: delivery.channel,
    requestId: delivery.requestId,
    receivedAt: delivery.receivedAt,
    headers: delivery.headers,
    rawBody: Buffer.from(delivery.bodyBase64, 'base64'),
  };
  if (!verdict) {
    const secret = await ports.secrets.secretFor(delivery.channel);
    if (!secret || !(await adapter.verify(request, secret)))
      return { outcome: 'skipped', reason: 'no verdict, and the signature does not verify with the current secret' };
  }
  let json: unknown;
  try {
    json = parseJsonExactly(request.rawBody.toString('utf8'));
  } catch {
    return { outcome: 'skipped', reason: 'the body is not JSON' };
  }
  const deliveryId = adapter.deliveryId(request, json);
  const parsed = adapter.parse(request, json);
  if (!parsed.ok)
    return { outcome: 'skipped', reason: parsed.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ') };
  if (parsed.value.kind === 'ignored')
    return { outcome: 'skipped', reason: `topic ${parsed.value.topic} carries no order` };
  const { orderId, publish } = await eventsFor(
    delivery.channel,
    parsed.value,
    adapter,
    ports,
    deliveryId,
    delivery.receivedAt,
  );
  const chosen = publish.filter((event) => !options.detailTypes || options.detailTypes.includes(event.detailType));
  if (chosen.length === 0) return { outcome: 'skipped', reason: `carries no ${options.detailTypes?.join(' or ')}` };
  await ports.publisher.publish(chosen);
  return { outcome: 'republished', orderId, events: chosen };
}

/** What a verified delivery publishes, for the order it names (by channel id too when it carried the order). */
interface PreparedEvents {
  orderId: string;
  channelOrderId?: string;
  outcome: AcceptedDelivery['outcome'];
  publish: FabricEvent[];
  reason?: string;
}

/**
 * What a verified delivery publishes. A well-formed, verified order is accepted even when it cannot be
 * used as it stands: the channel did its part, and answering an error would only make it retry (and
 * Shopify, after repeated failures, drop the subscription); see prepareChannelOrder. A notification
 * publishes ChannelOrderNotified for the channel's fetch consumer; a refund publishes RefundReported.
 */
async function eventsFor(
  channel: SalesChannel,
  subject: Exclude<WebhookSubject<unknown>, { kind: 'ignored' }>,
  adapter: ChannelWebhookAdapter,
  ports: Pick<WebhookIntakePorts, 'skus'>,
  deliveryId: string,
  receivedAt: string,
  archiveKey?: string,
): Promise<PreparedEvents> {
  switch (subject.kind) {
    case 'order': {
      if (!adapter.orders) throw new Error(`the ${channel} adapter parsed a full order but has no order mapper`);
      return prepareChannelOrder(channel, adapter.orders, subject.payload, deliveryId, ports.skus, archiveKey);
    }
    case 'notification': {
      const notified = channelOrderNotified(channel, subject.notice, subject.topic, deliveryId, receivedAt);
      return { orderId: notified.data.orderId, outcome: 'accepted', publish: [notified] };
    }
    case 'refund': {
      const { refund } = subject;
      const reported = createEvent(
        RefundReported,
        { refund },
        { correlationId: refund.orderId, causationId: `${channel}:${deliveryId}` },
      );
      return { orderId: refund.orderId, outcome: 'accepted', publish: [reported] };
    }
  }
}

function reject(status: number, message: string): ArchivedAnswer {
  return { status, body: { message }, outcome: 'rejected', reason: message };
}

function invalid(deliveryId: string, errors: FieldIssue[]): ArchivedAnswer {
  return {
    status: 400,
    body: { message: 'the payload is not a valid order', errors },
    outcome: 'rejected',
    reason: errors.map((e) => `${e.path}: ${e.message}`).join('; '),
    deliveryId,
  };
}

/**
 * The event for a thin channel notification: it names an order whose content must be fetched from the
 * channel's API behind the queue. Correlated by the fabric order id like every order event.
 */
export function channelOrderNotified(
  channel: SalesChannel,
  notice: OrderNotice,
  topic: string,
  deliveryId: string,
  notifiedAt: string,
) {
  const orderId = orderIdFor(channel, notice.channelOrderId);
  return createEvent(
    ChannelOrderNotified,
    {
      channel,
      channelOrderId: notice.channelOrderId,
      orderId,
      deliveryId,
      topic,
      notifiedAt,
      ...(notice.channelAccount ? { channelAccount: notice.channelAccount } : {}),
    },
    { correlationId: orderId, causationId: `${channel}:${deliveryId}` },
  );
}
