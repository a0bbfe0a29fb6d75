import type { ParseResult, WebhookSubject } from './channel-ports';
import type { SalesChannel } from '#domain/kernel/order';
import { channelOrderNotified, type DeliveryDeduplicator } from './webhook-delivery';
import type { EventPublisher } from '#domain/kernel/ports';
import type { DeliveryArchive, DeliveryOutcome } from '#domain/kernel/archive';

/**
 * A channel that writes its notifications to a queue of ours (Amazon SP-API to SQS). There is no
 * signature: trust is the queue policy, which lets only the channel's account send. The adapter
 * identifies and parses; everything else is shared.
 */
export interface QueuedNotificationAdapter {
  channel: SalesChannel;
  /** The channel's id for the notification, shared by its redeliveries (SP-API's NotificationId). */
  deliveryId(json: unknown): string | undefined;
  parse(json: unknown): ParseResult<WebhookSubject<never>>;
}

export interface QueuedNotificationPorts {
  archive: DeliveryArchive;
  publisher: EventPublisher;
  deduplicator: DeliveryDeduplicator;
}

/**
 * Accepts one queued notification: archives the message body first, parses it, and publishes
 * ChannelOrderNotified once per notification id, so the order is fetched behind the fabric's own
 * queue. A message that is not JSON or not the channel's shape is archived with a rejected verdict
 * and not retried (retrying cannot fix it). Throws only for infrastructure failures, which the
 * queue retries.
 */
export async function acceptQueuedNotification(
  message: { messageId: string; body: string; receivedAt: string },
  adapter: QueuedNotificationAdapter,
  ports: QueuedNotificationPorts,
): Promise<{ outcome: DeliveryOutcome; orderId?: string; reason?: string }> {
  const body = Buffer.from(message.body, 'utf8');
  const archiveKey = await ports.archive.archiveDelivery({
    channel: adapter.channel,
    source: 'notifications',
    requestId: message.messageId,
    receivedAt: message.receivedAt,
    headers: {},
    sizeBytes: body.length,
    bodyBase64: body.toString('base64'),
  });
  const decision = await decide(message.body, adapter, ports, message.receivedAt);
  await ports.archive.recordVerdict(archiveKey, {
    outcome: decision.outcome,
    status: decision.outcome === 'rejected' ? 400 : 200,
    decidedAt: new Date().toISOString(),
    ...(decision.reason ? { reason: decision.reason } : {}),
    ...(decision.deliveryId ? { deliveryId: decision.deliveryId } : {}),
    ...(decision.orderId ? { orderId: decision.orderId } : {}),
  });
  return decision;
}

async function decide(
  text: string,
  adapter: QueuedNotificationAdapter,
  ports: QueuedNotificationPorts,
  receivedAt: string,
) {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { outcome: 'rejected' as const, reason: 'the message body is not JSON' };
  }
  const parsed = adapter.parse(json);
  const deliveryId = adapter.deliveryId(json);
  if (!parsed.ok || !deliveryId) {
    const issues = parsed.ok ? [{ path: '(notification id)', message: 'is missing' }] : parsed.issues;
    return {
      outcome: 'rejected' as const,
      reason: issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '),
      ...(deliveryId ? { deliveryId } : {}),
    };
  }
  const subject = parsed.value;
  if (subject.kind !== 'notification')
    return { outcome: 'ignored' as const, reason: `${subject.topic} carries no order`, deliveryId };
  const notified = channelOrderNotified(adapter.channel, subject.notice, subject.topic, deliveryId, receivedAt);
  const result = await ports.deduplicator.once(`${adapter.channel}#${deliveryId}`, async () => {
    await ports.publisher.publish([notified]);
    return { orderId: notified.data.orderId, outcome: 'accepted' as const };
  });
  return {
    outcome: result.duplicate ? ('duplicate' as const) : ('accepted' as const),
    orderId: notified.data.orderId,
    deliveryId,
  };
}
