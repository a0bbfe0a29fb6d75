import type { QueuedNotificationAdapter } from '#domain/intake/queued-notification';
import { formatIssues } from '#domain/kernel/validation';
import { AmazonOrderChangeNotification } from './amazon-order.schema';

/**
 * SP-API ORDER_CHANGE notifications, read from the fabric's SQS destination. They name the order and
 * its new status but carry no prices, so each becomes a notification: the order is fetched with
 * getOrder and getOrderItems behind the queue. NotificationMetadata.NotificationId is the dedupe key.
 * Other notification types that reach the queue are archived and ignored.
 */
export const amazonNotificationAdapter: QueuedNotificationAdapter = {
  channel: 'amazon',

  deliveryId(json) {
    const id = (json as { NotificationMetadata?: { NotificationId?: unknown } } | undefined)?.NotificationMetadata
      ?.NotificationId;
    return typeof id === 'string' && id ? id : undefined;
  },

  parse(json) {
    const type = (json as { NotificationType?: unknown } | undefined)?.NotificationType;
    if (type !== 'ORDER_CHANGE')
      return { ok: true, value: { kind: 'ignored', topic: typeof type === 'string' ? type : '(none)' } };
    const parsed = AmazonOrderChangeNotification.safeParse(json);
    if (!parsed.success) return { ok: false, issues: formatIssues(parsed.error) };
    const change = parsed.data.Payload.OrderChangeNotification;
    return {
      ok: true,
      value: {
        kind: 'notification',
        topic: `ORDER_CHANGE:${change.OrderChangeType}`,
        notice: { channelOrderId: change.AmazonOrderId, channelAccount: change.SellerId },
      },
    };
  },
};
