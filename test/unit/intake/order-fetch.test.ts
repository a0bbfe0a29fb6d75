import {
  fetchNotifiedOrder,
  remapFetchedOrder,
  type OrderSource,
  type OrderFetchPorts,
} from '#domain/intake/order-fetch';
import { squareOrderMapper } from '#shared/channels/square/square-order.mapper';
import { SquareOrder } from '#shared/channels/square/square-order.schema';
import { orderIdFor } from '#domain/kernel/order';
import type { ArchivedDelivery, DeliveryVerdict } from '#domain/kernel/archive';
import type { FabricEvent } from '#domain/kernel/event';
import { readSquareFixture, squareFixtureSkus } from '../../fixtures/square';
import { lookupFrom } from '../support/fake-intake';
import { skuKeyId } from '#domain/kernel/sku-cross-reference';

const orderId = 'CAISENgvlJ6jLWAzERDzjyHVybY';
const notification = {
  channel: 'square' as const,
  channelOrderId: orderId,
  orderId: orderIdFor('square', orderId),
  deliveryId: 'evt-1',
  topic: 'order.updated',
  notifiedAt: '2025-03-14T14:26:58.000Z',
};

function harness(answer: () => ReturnType<OrderSource<SquareOrder>['fetchOrder']>) {
  const archived: ArchivedDelivery[] = [];
  const verdicts: DeliveryVerdict[] = [];
  const published: FabricEvent[] = [];
  const done = new Map<string, unknown>();
  let fetches = 0;
  const lookup = lookupFrom(squareFixtureSkus);
  const ports: OrderFetchPorts = {
    archive: {
      archiveDelivery: async (d) => {
        archived.push(d);
        return d.requestId;
      },
      recordVerdict: async (_k, v) => {
        verdicts.push(v);
      },
    },
    publisher: {
      publish: async (events) => {
        published.push(...events);
      },
    },
    skus: {
      resolveSkus: async (_c, keys) =>
        new Map(keys.flatMap((k) => (lookup(k) ? [[skuKeyId(k), lookup(k)!] as [string, string]] : []))),
    },
    once: (async (key: string, work: () => Promise<any>) => {
      if (done.has(key)) return { ...(done.get(key) as object), duplicate: true };
      const result = await work();
      done.set(key, result);
      return { ...result, duplicate: false };
    }) as OrderFetchPorts['once'],
  };
  const source: OrderSource<SquareOrder> = {
    channel: 'square',
    mapper: squareOrderMapper,
    fetchOrder: async () => {
      fetches += 1;
      return answer();
    },
    readAnswer: (raw) => ({ kind: 'order', payload: SquareOrder.parse((raw as { order: unknown }).order), raw }),
  };
  return { archived, verdicts, published, ports, source, fetches: () => fetches };
}

describe('fetchNotifiedOrder', () => {
  const fixture = readSquareFixture('retrieve-order-online-multi-line-usd');

  test('archives the API answer, then publishes the mapped order once per notification', async () => {
    const h = harness(async () => ({ kind: 'order', payload: SquareOrder.parse(fixture.order), raw: fixture }));

    const first = await fetchNotifiedOrder(notification, h.source, h.ports);
    const again = await fetchNotifiedOrder(notification, h.source, h.ports);

    expect(first).toEqual({ orderId: notification.orderId, outcome: 'accepted', duplicate: false });
    expect(again.duplicate).toBe(true);
    expect(h.fetches()).toBe(1);
    expect(h.archived).toEqual([
      expect.objectContaining({
        channel: 'square',
        source: 'api-responses',
        bodyBase64: Buffer.from(JSON.stringify(fixture)).toString('base64'),
      }),
    ]);
    expect(h.published.map((e) => e.detailType)).toEqual(['OrderReceived']);
  });

  test("maps an archived answer again under the fetch's delivery id, publishing the same OrderReceived without fetching", async () => {
    const h = harness(async () => ({ kind: 'order', payload: SquareOrder.parse(fixture.order), raw: fixture }));
    await fetchNotifiedOrder(notification, h.source, h.ports);

    const remapped = await remapFetchedOrder(
      h.archived[0],
      h.verdicts[0],
      h.source,
      'api-responses/square/key',
      h.ports,
    );

    expect(remapped).toMatchObject({ outcome: 'republished', orderId: notification.orderId });
    expect(h.fetches()).toBe(1);
    const [fetched, again] = h.published as FabricEvent<any>[];
    expect(again).toMatchObject({
      detailType: 'OrderReceived',
      data: { deliveryId: 'evt-1', order: fetched.data.order },
    });
  });

  test('records and skips an order that is not ready', async () => {
    const h = harness(async () => ({ kind: 'not_ready', reason: 'the order is a DRAFT', raw: {} }));

    expect((await fetchNotifiedOrder(notification, h.source, h.ports)).outcome).toBe('ignored');
    expect(h.published).toEqual([]);
    expect(h.verdicts).toEqual([expect.objectContaining({ outcome: 'ignored', reason: 'the order is a DRAFT' })]);
  });

  test('holds an answer that does not match the channel shape with OrderNeedsAttention(INVALID_PAYLOAD)', async () => {
    const h = harness(async () => ({
      kind: 'invalid',
      issues: [{ path: 'order.total_money', message: 'Required' }],
      raw: {},
    }));

    expect((await fetchNotifiedOrder(notification, h.source, h.ports)).outcome).toBe('needs_attention');
    expect(h.published).toEqual([
      expect.objectContaining({
        detailType: 'OrderNeedsAttention',
        data: expect.objectContaining({ reason: 'INVALID_PAYLOAD' }),
      }),
    ]);
  });

  test('lets an API failure through, publishing nothing, so the queue retries the notification', async () => {
    const h = harness(async () => {
      throw new Error('square API answered 503');
    });

    await expect(fetchNotifiedOrder(notification, h.source, h.ports)).rejects.toThrow('503');
    expect(h.published).toEqual([]);
  });
});
