import { PublishCommand } from '@aws-sdk/client-sns';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { LocalFabric } from '../../../scripts/local-fabric/local-fabric';
import { createEvent, toWireEvent } from '#domain/kernel/event';
import type { Order } from '#domain/kernel/order';
import { ShipmentConfirmed } from '#domain/orders/events';
import { queueDepth } from './inventory-support';
import { eventually } from './test-fabric';

export const SHIPMENT_TRACKING_NUMBER = '1Z999AA10123456784';

/**
 * Ships every unit of a stored order's first line (UPS, SHIPMENT_TRACKING_NUMBER) and delivers the
 * ShipmentConfirmed twice: through the bus, then, once that delivery was handled, the same event
 * straight onto channel-shipment-sync again, as at-least-once delivery may. Resolves when both were
 * consumed, with what the order's channel stub recorded for the order.
 */
export async function shipDeliveredTwice(fabric: LocalFabric, order: Order) {
  const [line] = order.lines;
  const shipped = createEvent(
    ShipmentConfirmed,
    {
      shipment: {
        shipmentId: `SHP-${order.channelOrderId}`,
        orderId: order.orderId,
        locationId: 'wh-east',
        carrier: 'UPS',
        trackingNumber: SHIPMENT_TRACKING_NUMBER,
        shippedAt: '2026-11-23T09:00:00.000Z',
        lines: [{ lineId: line.lineId, sku: line.sku!, quantity: line.quantity }],
      },
    },
    { correlationId: order.orderId },
  );
  const queue = fabric.resources.queues['channel-shipment-sync'];
  const recorded = () =>
    fabric.channelApis.outbound.shipments.filter(
      (s) => s.channel === order.channel && s.channelOrderId === order.channelOrderId,
    );
  const consumed = () =>
    eventually(
      'the delivery consumed',
      async () => ((await queueDepth(fabric, queue.url)) === 0 ? true : undefined),
      20_000,
    );
  await fabric.clients.sns.send(
    new PublishCommand({ TopicArn: fabric.resources.topicArn, Message: JSON.stringify(toWireEvent(shipped)) }),
  );
  await eventually(`${order.channel} to hear of the shipment`, async () => (recorded().length > 0 ? true : undefined));
  await consumed();
  await fabric.clients.sqs.send(
    new SendMessageCommand({ QueueUrl: queue.url, MessageBody: JSON.stringify(toWireEvent(shipped)) }),
  );
  await consumed();
  return { recorded: recorded(), dlqDepth: await queueDepth(fabric, queue.dlqUrl) };
}
