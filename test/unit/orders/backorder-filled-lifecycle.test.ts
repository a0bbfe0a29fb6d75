import { createEvent, toWireEvent } from '#domain/kernel/event';
import { BackorderFilled, InventoryReserved } from '#domain/inventory';
import { lifecycleEventsOf } from '#domain/orders/lifecycle-events';
import { decideTransition, type OrderLifecycle } from '#domain/orders/lifecycle';

const ORDER = 'ord_backorderfilledaaaaaaaaaa';

function filledBody(): string {
  return JSON.stringify(
    toWireEvent(
      createEvent(
        BackorderFilled,
        {
          orderId: ORDER,
          channel: 'woocommerce',
          allocations: [{ lineId: 'l1', sku: 'TEE-1', locationId: 'wh-east', quantity: 2 }],
          expiresAt: '2026-12-10T08:00:00.000Z',
        },
        { correlationId: ORDER },
      ),
    ),
  );
}

describe('BackorderFilled in the order lifecycle', () => {
  test('is the stock_reserved fact under its own key, apart from the first reservation', () => {
    const [moved] = lifecycleEventsOf(filledBody(), 'BackorderFilled');

    expect(moved).toMatchObject({ orderId: ORDER, event: { on: 'stock_reserved', key: 'backorder-filled' } });
  });

  test('moves a backordered order to reserved, once', () => {
    let lifecycle: OrderLifecycle | undefined;
    for (const event of [
      { on: 'order_received', key: 'received', lines: [{ lineId: 'l1', quantity: 2 }], totalMinor: 2000 },
      { on: 'stock_backordered', key: 'backorder' },
      ...lifecycleEventsOf(filledBody(), 'BackorderFilled').map((item) => item.event),
    ] as const) {
      const decision = decideTransition(lifecycle, event, ORDER);
      if (decision.outcome === 'moved') lifecycle = decision.next;
    }
    const again = decideTransition(lifecycle, { on: 'stock_reserved', key: 'backorder-filled' }, ORDER);

    expect(lifecycle?.state).toBe('reserved');
    expect(again.outcome).not.toBe('moved');
  });

  test("leaves a backordered order's partial hold (InventoryReserved, backordered) to the backorder, not the reservation", () => {
    const partialHold = JSON.stringify(
      toWireEvent(
        createEvent(
          InventoryReserved,
          {
            orderId: ORDER,
            channel: 'woocommerce',
            onShortage: 'backorder',
            allocations: [{ lineId: 'l1', sku: 'TEE-1', locationId: 'wh-east', quantity: 1 }],
            expiresAt: '2026-12-10T08:00:00.000Z',
            backordered: true,
          },
          { correlationId: ORDER },
        ),
      ),
    );

    expect(lifecycleEventsOf(partialHold, 'InventoryReserved')).toEqual([]);
  });
});
