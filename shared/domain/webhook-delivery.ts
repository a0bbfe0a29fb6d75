import type { ChannelWebhookAdapter, ChannelSkuKey, WebhookRequest } from '../channels/channel-adapter';
import { OrderMappingError } from '../channels/channel-adapter';
import { orderIdFor, type SalesChannel } from './order';
import type { FieldIssue } from './validation';
import type { FabricEvent } from '../../events/envelope';
import { createEvent } from '../../events/catalog';

/** What the raw archive keeps for every delivery: written before anything parses the body. */
export interface ArchivedDelivery {
  channel: SalesChannel;
  requestId: string;
  receivedAt: string;
  headers: Record<string, string>;
  sizeBytes: number;
  /** Absent only when the body was over the size limit: oversized bodies from unverified senders are not stored. */
  bodyBase64?: string;
}

export type DeliveryOutcome = 'accepted' | 'duplicate' | 'ignored' | 'needs_attention' | 'rejected';

export interface DeliveryVerdict {
  outcome: DeliveryOutcome;
  status: number;
  reason?: string;
  deliveryId?: string;
  orderId?: string;
  decidedAt: string;
}

export interface DeliveryArchive {
  /** Returns the archive key under which the verdict is recorded. */
  archiveDelivery(delivery: ArchivedDelivery): Promise<string>;
  recordVerdict(archiveKey: string, verdict: DeliveryVerdict): Promise<void>;
}

export interface EventPublisher {
  /** Publishes all or throws; a partial failure is a failure, so the channel retries the delivery. */
  publish(events: readonly FabricEvent[]): Promise<void>;
}

export interface WebhookSecrets {
  secretFor(channel: SalesChannel): Promise<string | undefined>;
}

export interface SkuCrossReference {
  /** Resolves channel SKUs to internal SKUs in one round trip; unknown keys are absent from the map. */
  resolveSkus(channel: SalesChannel, keys: readonly ChannelSkuKey[]): Promise<Map<string, string>>;
}

/**
 * Runs `accept` at most once per delivery id (within the retention window). A repeat gets the first
 * run's result with `duplicate: true`; a repeat while the first is still running throws
 * DeliveryInProgressError.
 */
export interface DeliveryDeduplicator {
  once(deliveryKey: string, accept: () => Promise<AcceptedDelivery>): Promise<AcceptedDelivery & { duplicate: boolean }>;
}

export interface AcceptedDelivery {
  orderId: string;
  outcome: 'accepted' | 'needs_attention';
}

export class DeliveryInProgressError extends Error {
  override name = 'DeliveryInProgressError';
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

/** The cross-reference key for a channel SKU: the SKU string, or the variant id when the SKU is empty. */
export function skuKeyId(key: ChannelSkuKey): string {
  return key.channelSku ? `sku:${key.channelSku}` : `variant:${key.variantId ?? ''}`;
}

/**
 * Accepts one channel webhook delivery: archive the raw bytes, check size, media type and signature,
 * parse the channel payload, resolve SKUs, map to the canonical order, publish once per delivery id.
 * Every path records a verdict beside the archived delivery. Never throws for bad input: it answers.
 * Throws only for infrastructure failures (archive or bus down), which must surface as a 5xx so the
 * channel retries.
 */
export async function acceptWebhookDelivery(
  request: WebhookRequest,
  adapter: ChannelWebhookAdapter,
  ports: WebhookIntakePorts,
  limits: WebhookLimits,
): Promise<WebhookAnswer> {
  const oversized = request.rawBody.length > limits.maxBodyBytes;
  const archiveKey = await ports.archive.archiveDelivery({
    channel: request.channel,
    requestId: request.requestId,
    receivedAt: request.receivedAt,
    headers: request.headers,
    sizeBytes: request.rawBody.length,
    ...(oversized ? {} : { bodyBase64: request.rawBody.toString('base64') }),
  });
  const answer = await decide(request, adapter, ports, limits, oversized);
  await ports.archive.recordVerdict(archiveKey, {
    outcome: answer.outcome,
    status: answer.status,
    decidedAt: new Date().toISOString(),
    ...(answer.reason ? { reason: answer.reason } : {}),
    ...(answer.deliveryId ? { deliveryId: answer.deliveryId } : {}),
    ...(typeof answer.body.orderId === 'string' ? { orderId: answer.body.orderId } : {}),
  });
  return { status: answer.status, body: answer.body };
}

interface Decision extends WebhookAnswer {
  outcome: DeliveryOutcome;
  reason?: string;
  deliveryId?: string;
}

async function decide(
  request: WebhookRequest,
  adapter: ChannelWebhookAdapter,
  ports: WebhookIntakePorts,
  limits: WebhookLimits,
  oversized: boolean,
): Promise<Decision> {
  if (oversized) {
    return reject(413, `body is ${request.rawBody.length} bytes; the limit is ${limits.maxBodyBytes}`);
  }
  const mediaType = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (mediaType !== 'application/json') {
    return reject(415, `content-type must be application/json, received "${mediaType || 'none'}"`);
  }
  const secret = await ports.secrets.secretFor(request.channel);
  if (!secret) throw new Error(`no webhook secret is configured for ${request.channel}`);
  if (!adapter.verify(request, secret)) {
    return reject(401, 'signature is missing or does not match the body');
  }

  const deliveryId = adapter.deliveryId(request);
  let json: unknown;
  try {
    json = JSON.parse(request.rawBody.toString('utf8'));
  } catch {
    return invalid(deliveryId, [{ path: '(body)', message: 'is not valid JSON' }]);
  }
  const parsed = adapter.parse(request, json);
  if (!parsed.ok) return invalid(deliveryId, parsed.issues);
  if (parsed.value.kind === 'ignored') {
    return { status: 200, body: { ignored: true, topic: parsed.value.topic }, outcome: 'ignored', reason: `topic ${parsed.value.topic} carries no order`, deliveryId };
  }

  const { payload } = parsed.value;
  const keys = adapter.skuKeys(payload);
  const known = await ports.skus.resolveSkus(request.channel, keys);
  const events = heldOrAccepted(request, adapter, payload, (key) => known.get(skuKeyId(key)), deliveryId);

  try {
    const result = await ports.deduplicator.once(`${request.channel}#${deliveryId}`, async () => {
      await ports.publisher.publish(events.publish);
      return { orderId: events.orderId, outcome: events.outcome };
    });
    if (result.duplicate) {
      return { status: 200, body: { orderId: result.orderId, duplicate: true }, outcome: 'duplicate', deliveryId };
    }
    const needsAttention = result.outcome === 'needs_attention';
    return {
      status: 202,
      body: { orderId: result.orderId, ...(needsAttention ? { needsAttention: true } : {}) },
      outcome: result.outcome,
      deliveryId,
      ...(events.reason ? { reason: events.reason } : {}),
    };
  } catch (error) {
    if (error instanceof DeliveryInProgressError) {
      return { status: 409, body: { message: 'this delivery is already being processed; retry later' }, outcome: 'rejected', reason: 'in progress', deliveryId };
    }
    throw error;
  }
}

/**
 * A well-formed, verified order is accepted even when it cannot be used as it stands: the channel
 * did its part, and answering an error would only make it retry (and Shopify, after repeated
 * failures, drop the subscription). An unmapped SKU keeps the order, with the line unresolved; money
 * that does not balance holds the delivery in the raw archive. Both raise OrderNeedsAttention.
 */
function heldOrAccepted(
  request: WebhookRequest,
  adapter: ChannelWebhookAdapter,
  payload: unknown,
  lookupSku: (key: ChannelSkuKey) => string | undefined,
  deliveryId: string,
): { orderId: string; outcome: AcceptedDelivery['outcome']; publish: FabricEvent[]; reason?: string } {
  const channelOrderId = adapter.channelOrderId(payload);
  const orderId = orderIdFor(request.channel, channelOrderId);
  const trace = { correlationId: orderId, causationId: `${request.channel}:${deliveryId}` };
  const attention = (reason: string, details: FieldIssue[]) => createEvent('OrderNeedsAttention', { channel: request.channel, channelOrderId, orderId, reason, details }, trace);
  let order;
  try {
    order = adapter.toCanonicalOrder(payload, lookupSku);
  } catch (error) {
    if (!(error instanceof OrderMappingError)) throw error;
    const details = error.details.length ? error.details : [{ path: '(order)', message: error.message }];
    return { orderId, outcome: 'needs_attention', publish: [attention('MAPPING_ERROR', details)], reason: error.message };
  }
  const unresolved = order.lines.flatMap((line, index) => (line.sku === null ? [{ path: `lines.${index}.channelSku`, message: `"${line.channelSku}" is not in the cross-reference` }] : []));
  const received = createEvent('OrderReceived', { order, deliveryId }, trace);
  if (unresolved.length === 0) return { orderId, outcome: 'accepted', publish: [received] };
  return { orderId, outcome: 'needs_attention', publish: [received, attention('UNKNOWN_SKU', unresolved)], reason: 'unknown SKU' };
}

function reject(status: number, message: string): Decision {
  return { status, body: { message }, outcome: 'rejected', reason: message };
}

function invalid(deliveryId: string, errors: FieldIssue[]): Decision {
  return {
    status: 400,
    body: { message: 'the payload is not a valid order', errors },
    outcome: 'rejected',
    reason: errors.map((e) => `${e.path}: ${e.message}`).join('; '),
    deliveryId,
  };
}
