import { randomUUID } from 'node:crypto';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import { SubscribeCommand } from '@aws-sdk/client-sns';
import type { LocalFabric } from '../../../scripts/local-fabric/local-fabric';
import { createEvent } from '#domain/kernel/event';
import { isClean, verifyInventory } from '#domain/inventory/verification';
import type { DynamoInventoryStore } from '#shared/adapters/inventory-store';
import { OrderReceived } from '#domain/intake/events';
import { WireEvent, fromWireEvent, toWireEvent, type FabricEvent } from '#domain/kernel/event';
import { toSnsFilterPolicy, type EventPattern } from '#events/routing-rules';
import { orderIdFor, type Order, type SalesChannel } from '#domain/kernel/order';

const usd = (amountMinor: number) => ({ amountMinor, currency: 'USD' });

/** A valid canonical order of `quantity` x `sku` per line at 10.00, no tax or shipping, so its totals balance. */
export function stockOrder(
  channel: SalesChannel,
  channelOrderId: string,
  lines: { sku: string; quantity: number }[],
  status: Order['status'] = 'received',
): Order {
  const total = lines.reduce((sum, line) => sum + line.quantity * 1000, 0);
  return {
    orderId: orderIdFor(channel, channelOrderId),
    channel,
    channelOrderId,
    status,
    currency: 'USD',
    placedAt: '2026-11-27T08:00:00.000Z',
    channelUpdatedAt: status === 'cancelled' ? '2026-11-27T09:00:00.000Z' : '2026-11-27T08:00:00.000Z',
    taxesIncluded: false,
    lines: lines.map((line, i) => ({
      lineId: String(i + 1),
      channelLineId: `${channelOrderId}-${i + 1}`,
      sku: line.sku,
      channelSku: line.sku,
      quantity: line.quantity,
      unitPrice: usd(1000),
      discount: usd(0),
      taxes: [],
    })),
    shipping: [],
    fees: [],
    totals: { lines: usd(total), shipping: usd(0), discounts: usd(0), tax: usd(0), total: usd(total) },
  };
}

/** The SQS body EventBridge (or the local topic) delivers for an OrderReceived. */
export function orderReceivedBody(order: Order): string {
  return JSON.stringify(
    toWireEvent(
      createEvent(
        OrderReceived,
        { order, deliveryId: `test-${order.channelOrderId}-${order.status}` },
        { correlationId: order.orderId },
      ),
    ),
  );
}

export async function queueDepth(fabric: LocalFabric, queueUrl: string): Promise<number> {
  const { Attributes } = await fabric.clients.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible);
}

export async function postAdjustment(
  fabric: LocalFabric,
  body: Record<string, unknown>,
  idempotencyKey: string = randomUUID(),
): Promise<{ status: number; body: Record<string, any> }> {
  const response = await fetch(`${fabric.apiUrl}/inventory/adjustments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

export async function availability(fabric: LocalFabric, sku: string): Promise<Record<string, any>> {
  const response = await fetch(`${fabric.apiUrl}/availability/${encodeURIComponent(sku)}`);
  return (await response.json()) as Record<string, any>;
}

/**
 * A queue subscribed to the fabric topic with an event pattern, as a routing rule would be: what the
 * fabric publishes that matches lands here, to be read by the test.
 */
export class EventProbe {
  readonly events: FabricEvent[] = [];

  private constructor(
    private readonly fabric: LocalFabric,
    private readonly queueUrl: string,
  ) {}

  static async subscribe(fabric: LocalFabric, pattern: EventPattern): Promise<EventProbe> {
    const { QueueUrl } = await fabric.clients.sqs.send(
      new CreateQueueCommand({ QueueName: `${fabric.resources.prefix}-probe-${randomUUID().slice(0, 8)}` }),
    );
    const { Attributes } = await fabric.clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    await fabric.clients.sns.send(
      new SubscribeCommand({
        TopicArn: fabric.resources.topicArn,
        Protocol: 'sqs',
        Endpoint: Attributes!.QueueArn!,
        Attributes: {
          RawMessageDelivery: 'true',
          FilterPolicyScope: 'MessageBody',
          FilterPolicy: toSnsFilterPolicy(pattern),
        },
      }),
    );
    return new EventProbe(fabric, QueueUrl!);
  }

  /** Reads whatever has arrived, and returns every event received so far. */
  async drain(): Promise<FabricEvent[]> {
    for (;;) {
      const { Messages = [] } = await this.fabric.clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: this.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      if (Messages.length === 0) return this.events;
      this.events.push(...Messages.map((message) => fromWireEvent(WireEvent.parse(JSON.parse(message.Body!)))));
      await this.fabric.clients.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: Messages.map((message, i) => ({ Id: String(i), ReceiptHandle: message.ReceiptHandle! })),
        }),
      );
    }
  }

  /** Events of one detail-type, counted once per event id (a republished outbox repeats its ids). */
  distinct<T = Record<string, any>>(detailType: string): FabricEvent<T>[] {
    const seen = new Map<string, FabricEvent<T>>();
    for (const event of this.events) if (event.detailType === detailType) seen.set(event.id, event as FabricEvent<T>);
    return [...seen.values()];
  }
}

/** Whether one SKU's positions, ledger and reservations agree (`ops inventory verify`, for that SKU alone). */
export async function ledgerAgrees(store: DynamoInventoryStore, sku: string): Promise<boolean> {
  const scan = await store.scanForVerification();
  const mine = <T extends { sku: string }>(items: T[]) => items.filter((item) => item.sku === sku);
  return isClean(
    verifyInventory(
      mine(scan.positions),
      mine(scan.movements),
      scan.parts.map((part) => ({ ...part, allocations: mine(part.allocations) })),
    ),
  );
}
