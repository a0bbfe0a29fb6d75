import { createHash } from 'node:crypto';
import type { ChannelWebhookAdapter } from '#domain/intake/channel-ports';
import { hasValidBase64HmacSha256 } from '../webhook-signature';
import { SQUARE_SIGNATURE_HEADER } from '../webhook-signature-headers';
import { formatIssues } from '#domain/kernel/validation';
import { SquareOrderEvent } from './square-order.schema';

/**
 * Square: x-square-hmacsha256-signature is the base64 HMAC-SHA256, with the subscription's signature
 * key, of the notification URL (exactly as configured in the subscription) followed by the raw body;
 * a request whose public URL is unknown cannot be verified and is refused. `event_id` is shared by
 * every redelivery of one event, so it is the dedupe key. order.* events are thin (the order id, its
 * state and version), so they become notifications and the order is fetched from the Orders API
 * behind the queue; other event types are acknowledged and archived.
 */
export const squareWebhookAdapter: ChannelWebhookAdapter<never> = {
  channel: 'square',

  verify(request, secret) {
    if (!request.url) return false;
    return hasValidBase64HmacSha256(
      Buffer.concat([Buffer.from(request.url, 'utf8'), request.rawBody]),
      secret,
      request.headers[SQUARE_SIGNATURE_HEADER],
    );
  },

  deliveryId(request, json) {
    const eventId = (json as { event_id?: unknown } | undefined)?.event_id;
    return typeof eventId === 'string' && eventId
      ? eventId
      : `sha256:${createHash('sha256').update(request.rawBody).digest('hex')}`;
  },

  parse(_request, json) {
    const type = typeof (json as { type?: unknown })?.type === 'string' ? (json as { type: string }).type : '(none)';
    if (!type.startsWith('order.')) return { ok: true, value: { kind: 'ignored', topic: type } };
    const event = SquareOrderEvent.safeParse(json);
    if (!event.success) return { ok: false, issues: formatIssues(event.error) };
    const detail = Object.values(event.data.data.object ?? {})[0];
    return {
      ok: true,
      value: {
        kind: 'notification',
        topic: type,
        notice: {
          channelOrderId: event.data.data.id,
          ...(detail?.location_id ? { channelAccount: detail.location_id } : {}),
        },
      },
    };
  },
};
