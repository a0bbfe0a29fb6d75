import { createHash } from 'node:crypto';
import type { ChannelWebhookAdapter } from '#domain/intake/channel-ports';
import { hasValidBase64HmacSha256 } from '../webhook-signature';
import { formatIssues } from '#domain/kernel/validation';
import {
  WALMART_PURCHASE_ORDER_EVENTS,
  WalmartOrderUpdatesEvent,
  WalmartPurchaseOrderEvent,
} from './walmart-order.schema';

/**
 * The header the subscription names as authHeaderName. Walmart's subscription guide puts the HMAC "in
 * the authorization header", so the fabric asks for exactly that when subscribing.
 */
export const WALMART_SIGNATURE_HEADER = 'authorization';
const HEX_DIGEST = /^[0-9a-f]{64}$/i;

/**
 * Walmart Marketplace Notifications, subscribed (POST /v3/webhooks/subscriptions) with authDetails
 * `{ authMethod: "HMAC", authHeaderName: "Authorization", clientSecret }`: Walmart sends the
 * HMAC-SHA256 of the complete body, keyed with that clientSecret (the channel secret here), in the
 * named header. Walmart names the algorithm but not the digest's text encoding, so hex and base64 are
 * both read; either way the decoded digest is compared in constant time. The body carries no
 * timestamp, so a replayed delivery verifies: its eventId, the key every redelivery shares, makes it a
 * duplicate. PO_CREATED, PO_LINE_AUTOCANCELLED and ORDER_UPDATES name a purchase order without its
 * prices, so they become notifications and the order is fetched from Orders v3 behind the queue; other
 * event types sent to the same URL are acknowledged and archived.
 */
export const walmartWebhookAdapter: ChannelWebhookAdapter<never> = {
  channel: 'walmart',

  verify(request, secret) {
    const signature = request.headers[WALMART_SIGNATURE_HEADER];
    const base64 =
      signature && HEX_DIGEST.test(signature) ? Buffer.from(signature, 'hex').toString('base64') : signature;
    return hasValidBase64HmacSha256(request.rawBody, secret, base64);
  },

  deliveryId(request, json) {
    const eventId = (json as { source?: { eventId?: unknown } } | undefined)?.source?.eventId;
    return typeof eventId === 'string' && eventId
      ? eventId
      : `sha256:${createHash('sha256').update(request.rawBody).digest('hex')}`;
  },

  parse(_request, json) {
    const eventType = (json as { source?: { eventType?: unknown } } | undefined)?.source?.eventType;
    const topic = typeof eventType === 'string' ? eventType : '(none)';
    if ((WALMART_PURCHASE_ORDER_EVENTS as readonly string[]).includes(topic)) {
      const event = WalmartPurchaseOrderEvent.safeParse(json);
      if (!event.success) return { ok: false, issues: formatIssues(event.error) };
      const { purchaseOrderId, partnerId } = event.data.payload;
      return {
        ok: true,
        value: {
          kind: 'notification',
          topic,
          notice: { channelOrderId: purchaseOrderId, ...(partnerId ? { channelAccount: partnerId } : {}) },
        },
      };
    }
    if (topic !== 'ORDER_UPDATES') return { ok: true, value: { kind: 'ignored', topic } };
    const event = WalmartOrderUpdatesEvent.safeParse(json);
    if (!event.success) return { ok: false, issues: formatIssues(event.error) };
    const { order, subEventType, meta } = event.data.payload;
    const subEvent = subEventType ?? meta?.subEventType;
    return {
      ok: true,
      value: {
        kind: 'notification',
        topic: subEvent ? `ORDER_UPDATES/${subEvent}` : topic,
        notice: {
          channelOrderId: order.purchaseOrderId,
          ...(order.partnerId ? { channelAccount: order.partnerId } : {}),
        },
      },
    };
  },
};
