import type { Order, SalesChannel } from '#domain/kernel/order';
import type { FieldIssue } from '#domain/kernel/validation';
import type { ChannelSkuKey, SkuLookup } from '#domain/kernel/sku-cross-reference';
import type { ChannelRefund } from '#domain/returns';
import type { PosTransaction } from '#domain/pos';

/** An inbound HTTP delivery as every channel adapter sees it: raw bytes, lower-cased headers. */
export interface WebhookRequest {
  channel: SalesChannel;
  requestId: string;
  receivedAt: string;
  headers: Record<string, string>;
  rawBody: Buffer;
  /**
   * The public URL the channel delivered to, exactly as configured at the channel. Square signs it
   * together with the body; channels that sign the body alone ignore it.
   */
  url?: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; issues: FieldIssue[] };

/**
 * A channel's word that an order exists or changed, without the order itself (Square, eBay and Walmart
 * webhooks, Amazon ORDER_CHANGE): the fabric fetches the order from the channel's API behind a queue.
 */
export interface OrderNotice {
  channelOrderId: string;
  /** The seller account, shop, location or marketplace the order belongs to, when the channel says. */
  channelAccount?: string;
}

/** What a webhook delivery is about, once parsed. */
export type WebhookSubject<TPayload> =
  /** A full order payload: mapped to the canonical order at the edge. */
  | { kind: 'order'; payload: TPayload; topic: string }
  /** A thin notification: acknowledged once published, the order is fetched behind the queue. */
  | { kind: 'notification'; notice: OrderNotice; topic: string }
  /** A refund (partial or full) reported on its own, as Shopify's refunds/create does. */
  | { kind: 'refund'; refund: ChannelRefund; topic: string }
  /** A topic that carries nothing for the fabric: archived and acknowledged. */
  | { kind: 'ignored'; topic: string };

/**
 * How one channel's order payload becomes the canonical order. The same mapper serves the channel's
 * webhook, its API fetch and its pull connector, so an order maps identically whichever way it came.
 */
export interface ChannelOrderMapper<TPayload> {
  channel: SalesChannel;
  /** The channel's id of the order, known even when the rest cannot be mapped. */
  channelOrderId(payload: TPayload): string;
  skuKeys(payload: TPayload): ChannelSkuKey[];
  /** Throws OrderMappingError for anything it cannot map; otherwise returns a valid canonical order. */
  toCanonicalOrder(payload: TPayload, lookupSku: SkuLookup): Order;
  /** Refunds the order payload reports (partial or full); each becomes a RefundReported event. */
  refunds?(payload: TPayload): ChannelRefund[];
  /**
   * For a channel that is also a store's till (Square POS): the store transaction an in-person sale or
   * return at one of our stores is, recorded as a POS transaction instead of an online order; undefined
   * for an online order, which maps as ever. Throws OrderMappingError like toCanonicalOrder.
   */
  tillTransaction?(payload: TPayload, lookupSku: SkuLookup): TillTransaction | undefined;
}

/**
 * A channel order rung up at a store's till: the completed transaction with the channel version it was
 * read from, or a ticket still open (or voided) that moves nothing.
 */
export type TillTransaction =
  | { kind: 'transaction'; transaction: PosTransaction; version: string }
  | { kind: 'not_completed'; reason: string };

/** A request a channel sends unsigned by design (WooCommerce's ping on webhook creation), answered without side effects. */
export interface HandshakeAnswer {
  status: number;
  body: Record<string, unknown>;
  reason: string;
}

/**
 * A channel adapter does four things and nothing else: verify the delivery, identify it (the key that
 * every retry of the same channel action shares), parse the channel's own payload, and map it to the
 * canonical order (`orders`, for channels whose webhooks carry the full order). Everything behind it is
 * channel-agnostic.
 */
export interface ChannelWebhookAdapter<TPayload = unknown> {
  channel: SalesChannel;
  /** Constant-time check of the channel's signature over the raw bytes; never throws. */
  verify(request: WebhookRequest, secret: string): boolean | Promise<boolean>;
  /**
   * The dedupe key shared by every delivery of one channel action. Called after verification with the
   * parsed JSON (undefined when the body is not JSON), for channels whose key lives in the body.
   */
  deliveryId(request: WebhookRequest, json: unknown): string;
  parse(request: WebhookRequest, json: unknown): ParseResult<WebhookSubject<TPayload>>;
  /** Recognises an unsigned-by-design request and answers it; undefined for everything else. */
  handshake?(request: WebhookRequest): HandshakeAnswer | undefined;
  /**
   * Answers a channel's endpoint-ownership check (eBay's GET with `challenge_code`), computed from the
   * channel secret and the public URL; undefined when the request is not one.
   */
  challenge?(
    query: Record<string, string>,
    secret: string,
    url: string | undefined,
  ): { status: number; body: Record<string, unknown> } | undefined;
  /** Maps full-order payloads; required when `parse` can answer `kind: 'order'`. */
  orders?: ChannelOrderMapper<TPayload>;
}

/** The channel sent something we cannot turn into a balanced canonical order as it stands. */
export class OrderMappingError extends Error {
  override name = 'OrderMappingError';
  constructor(
    message: string,
    readonly details: FieldIssue[] = [],
  ) {
    super(message);
  }
}
