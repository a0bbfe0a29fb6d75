import { amazonNotificationAdapter } from '#shared/channels/amazon/amazon-notification.adapter';
import { acceptQueuedNotification } from '#domain/intake/queued-notification';
import type { AcceptedDelivery } from '#domain/intake/webhook-delivery';
import type { ArchivedDelivery, DeliveryVerdict } from '#domain/kernel/archive';
import { orderIdFor } from '#domain/kernel/order';
import type { FabricEvent } from '#domain/kernel/event';
import { readAmazonNotification } from '../../fixtures/amazon';

function fakePorts() {
  const archived: ArchivedDelivery[] = [];
  const verdicts: DeliveryVerdict[] = [];
  const published: FabricEvent[] = [];
  const done = new Map<string, AcceptedDelivery>();
  return {
    archived,
    verdicts,
    published,
    ports: {
      archive: {
        archiveDelivery: async (d: ArchivedDelivery) => {
          archived.push(d);
          return d.requestId;
        },
        recordVerdict: async (_k: string, v: DeliveryVerdict) => {
          verdicts.push(v);
        },
      },
      publisher: {
        publish: async (events: readonly FabricEvent[]) => {
          published.push(...events);
        },
      },
      deduplicator: {
        async once(key: string, accept: () => Promise<AcceptedDelivery>) {
          const earlier = done.get(key);
          if (earlier) return { ...earlier, duplicate: true };
          const result = await accept();
          done.set(key, result);
          return { ...result, duplicate: false };
        },
      },
    },
  };
}

const message = (body: unknown, messageId = 'm-1') => ({
  messageId,
  body: typeof body === 'string' ? body : JSON.stringify(body),
  receivedAt: '2025-03-14T14:57:14.000Z',
});

describe('Amazon ORDER_CHANGE notifications from the SQS destination', () => {
  test('archives the message, then publishes ChannelOrderNotified for the order and seller', async () => {
    const fake = fakePorts();

    const result = await acceptQueuedNotification(
      message(readAmazonNotification()),
      amazonNotificationAdapter,
      fake.ports,
    );

    expect(result).toEqual({
      outcome: 'accepted',
      orderId: orderIdFor('amazon', '113-5829743-1234567'),
      deliveryId: '8e3b1f6a-4c2d-4a7e-b9f0-5d1c3e7a9b2f',
    });
    expect(fake.archived[0]).toMatchObject({ channel: 'amazon', source: 'notifications', requestId: 'm-1' });
    expect(fake.published).toEqual([
      expect.objectContaining({
        detailType: 'ChannelOrderNotified',
        data: expect.objectContaining({
          channel: 'amazon',
          channelOrderId: '113-5829743-1234567',
          channelAccount: 'A3TH9S8BH6GOGM',
          topic: 'ORDER_CHANGE:OrderStatusChange',
        }),
      }),
    ]);
  });

  test('treats a redelivery with a new message id but the same NotificationId as a duplicate', async () => {
    const fake = fakePorts();
    await acceptQueuedNotification(message(readAmazonNotification(), 'm-1'), amazonNotificationAdapter, fake.ports);

    const again = await acceptQueuedNotification(
      message(readAmazonNotification(), 'm-2'),
      amazonNotificationAdapter,
      fake.ports,
    );

    expect(again.outcome).toBe('duplicate');
    expect(fake.published).toHaveLength(1);
    expect(fake.archived).toHaveLength(2);
  });

  test('archives and rejects a body that is not a notification, without throwing', async () => {
    const fake = fakePorts();

    const result = await acceptQueuedNotification(message('not json'), amazonNotificationAdapter, fake.ports);

    expect(result.outcome).toBe('rejected');
    expect(fake.verdicts).toEqual([expect.objectContaining({ outcome: 'rejected', status: 400 })]);
  });

  test('ignores other notification types that reach the queue', async () => {
    const fake = fakePorts();
    const other = { ...readAmazonNotification(), NotificationType: 'ANY_OFFER_CHANGED' };

    expect((await acceptQueuedNotification(message(other), amazonNotificationAdapter, fake.ports)).outcome).toBe(
      'ignored',
    );
    expect(fake.published).toEqual([]);
  });
});
