import { RefundReported } from '#domain/intake';
import { parseEvent, toWireEvent } from '#domain/kernel/event';
import { orderIdFor } from '#domain/kernel/order';
import { money } from '../builders';

const orderId = orderIdFor('shopify', '5829743312345');

/** A RefundReported as it was published before version 2: one amount per line, nothing on restocking. */
const v1Body = JSON.stringify(
  toWireEvent({
    id: 'evt-refund-v1',
    source: RefundReported.source,
    detailType: RefundReported.detailType,
    time: '2025-03-20T16:02:44.000Z',
    correlationId: orderId,
    schemaVersion: 1,
    data: {
      refund: {
        channel: 'shopify',
        channelOrderId: '5829743312345',
        orderId,
        channelRefundId: '926374819234',
        refundedAt: '2025-03-20T16:02:44.000Z',
        amount: money(2436),
        lines: [{ channelLineId: '14392874000001', quantity: 1, amount: money(2436) }],
      },
    },
  }),
);

describe('RefundReported versions', () => {
  test('reads a v1 refund as v2: its line total kept, no line restocked, no shipping or adjustment invented', () => {
    const event = parseEvent(v1Body, RefundReported);

    expect(event.schemaVersion).toBe(2);
    expect(event.data.refund.lines).toEqual([
      { channelLineId: '14392874000001', quantity: 1, amount: money(2436), restockType: 'no_restock' },
    ]);
    expect(event.data.refund.shipping).toBeUndefined();
    expect(event.data.refund.adjustments).toEqual([]);
  });

  test('refuses a v2 refund line without its restock type, naming the field', () => {
    const wire = JSON.parse(v1Body);
    wire.detail.metadata.schemaVersion = 2;

    expect(() => parseEvent(JSON.stringify(wire), RefundReported)).toThrow(
      expect.objectContaining({ issues: [expect.objectContaining({ path: 'refund.lines.0.restockType' })] }),
    );
  });
});
