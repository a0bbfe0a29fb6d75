import type { Order, SalesChannel } from '../domain/order';
import type { FieldIssue } from '../domain/validation';

/** An inbound HTTP delivery as every channel adapter sees it: raw bytes, lower-cased headers. */
export interface WebhookRequest {
  channel: SalesChannel;
  requestId: string;
  receivedAt: string;
  headers: Record<string, string>;
  rawBody: Buffer;
}

/** A channel SKU as the channel names it: its SKU string, and a variant or listing id as fallback. */
export interface ChannelSkuKey {
  channelSku: string;
  variantId?: string;
}

/** Internal SKUs for the channel keys that the cross-reference knows; absent keys are unknown SKUs. */
export type SkuLookup = (key: ChannelSkuKey) => string | undefined;

export type ParseResult<T> =
  | { ok: true; value: T }
  | { ok: false; issues: FieldIssue[] };

/** What a webhook delivery is about, once parsed: an order to map, or a topic we acknowledge and keep. */
export type WebhookSubject<TPayload> =
  | { kind: 'order'; payload: TPayload; topic: string }
  | { kind: 'ignored'; topic: string };

/**
 * A channel adapter does four things and nothing else: verify the delivery, identify it (the key that
 * every retry of the same channel action shares), parse the channel's own payload, and map it to the
 * canonical order. Everything behind it is channel-agnostic.
 */
export interface ChannelWebhookAdapter<TPayload = unknown> {
  channel: SalesChannel;
  /** Constant-time check of the channel's signature over the raw bytes; never throws. */
  verify(request: WebhookRequest, secret: string): boolean;
  /** The dedupe key shared by every delivery of one channel action. */
  deliveryId(request: WebhookRequest): string;
  parse(request: WebhookRequest, json: unknown): ParseResult<WebhookSubject<TPayload>>;
  /** The channel's id of the order, known even when the rest cannot be mapped. */
  channelOrderId(payload: TPayload): string;
  skuKeys(payload: TPayload): ChannelSkuKey[];
  /** Throws OrderMappingError for anything it cannot map; otherwise returns a valid canonical order. */
  toCanonicalOrder(payload: TPayload, lookupSku: SkuLookup): Order;
}

/** The channel sent something we cannot turn into a balanced canonical order as it stands. */
export class OrderMappingError extends Error {
  override name = 'OrderMappingError';
  constructor(message: string, readonly details: FieldIssue[] = []) {
    super(message);
  }
}
