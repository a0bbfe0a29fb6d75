import { randomUUID } from 'node:crypto';
import { type EventData, EventContractError, UnknownEventError, parseEventBody } from '#events/catalog';
import { createEvent } from '#domain/kernel/event';
import { OrderNeedsAttention } from '#domain/intake/events';
import { fromWireEvent, toWireEvent } from '#domain/kernel/event';
import { orderIdFor } from '#domain/kernel/order';
import { thrownBy } from '../builders';

function needsAttention(orderId = orderIdFor('shopify', randomUUID())) {
  return createEvent(
    OrderNeedsAttention,
    {
      channel: 'shopify',
      channelOrderId: '5829743319002',
      orderId,
      reason: 'UNKNOWN_SKU',
      details: [{ path: 'lines.1.channelSku', message: '"POSTER-A2-LTD" is not in the cross-reference' }],
    },
    { correlationId: orderId, causationId: `shopify:${randomUUID()}` },
  );
}

describe('event envelope', () => {
  test('fromWireEvent gives back exactly the event toWireEvent wrapped', () => {
    const event = needsAttention();

    expect(fromWireEvent(toWireEvent(event))).toEqual(event);
  });

  test('parseEventBody reads back, validated, the JSON body a queue delivers', () => {
    const event = needsAttention();

    const parsed = parseEventBody(
      JSON.stringify(toWireEvent(event, 'eu-west-1', '123456789012')),
      'OrderNeedsAttention',
    );

    expect(parsed).toEqual(event);
  });

  test('parseEventBody rejects a payload that breaks its schema, listing the failing paths', () => {
    const wire = toWireEvent(needsAttention());
    const broken = { ...wire, detail: { ...wire.detail, data: { channel: 'etsy', reason: '' } } };

    const error = thrownBy(EventContractError, () => parseEventBody(JSON.stringify(broken), 'OrderNeedsAttention'));

    expect(error.issues.map((issue) => issue.path)).toEqual([
      'channel',
      'channelOrderId',
      'orderId',
      'reason',
      'details',
    ]);
  });

  test('parseEventBody rejects a body that is not an event envelope', () => {
    const error = thrownBy(EventContractError, () =>
      parseEventBody(JSON.stringify({ Message: 'hello' }), 'OrderReceived'),
    );

    expect(error.issues.map((issue) => issue.path)).toEqual(
      expect.arrayContaining(['source', 'detail-type', 'detail']),
    );
  });

  test('parseEventBody refuses an event of another detail-type', () => {
    const body = JSON.stringify(toWireEvent(needsAttention()));

    expect(() => parseEventBody(body, 'OrderReceived')).toThrow(UnknownEventError);
  });

  test('parseEventBody refuses a schema version the catalog does not have', () => {
    const wire = toWireEvent(needsAttention());
    const fromTheFuture = {
      ...wire,
      detail: { ...wire.detail, metadata: { ...wire.detail.metadata, schemaVersion: 99 } },
    };

    expect(() => parseEventBody(JSON.stringify(fromTheFuture), 'OrderNeedsAttention')).toThrow(
      'OrderNeedsAttention has no schema version 99',
    );
  });

  test('createEvent stamps source, current version and trace ids', () => {
    const orderId = orderIdFor('shopify', randomUUID());

    const event = needsAttention(orderId);

    expect(event).toMatchObject({
      source: 'fabric.intake',
      detailType: 'OrderNeedsAttention',
      schemaVersion: 1,
      correlationId: orderId,
    });
    expect(event.causationId).toMatch(/^shopify:/);
  });

  test('createEvent refuses a payload that breaks the catalog schema', () => {
    const invalid: EventData<'OrderNeedsAttention'> = {
      channel: 'shopify',
      channelOrderId: '',
      orderId: 'ord_x',
      reason: 'UNKNOWN_SKU',
      details: [],
    };

    const error = thrownBy(EventContractError, () =>
      createEvent(OrderNeedsAttention, invalid, { correlationId: 'ord_x' }),
    );

    expect(error.issues).toEqual([expect.objectContaining({ path: 'channelOrderId' })]);
  });
});
