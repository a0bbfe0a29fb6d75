import { orderIdFor } from '#domain/kernel/order';
import { orderReturnsOf, posReturnId } from '#domain/pos/order-returns';
import { CustomerReturn } from '#domain/returns/model';
import type { PosLine, PosTransaction } from '#domain/pos/transaction';
import { money } from '../builders';

const SHOPIFY_ORDER = {
  orderId: orderIdFor('shopify', '5600000000001'),
  channel: 'shopify' as const,
  channelOrderId: '5600000000001',
};
const WOO_ORDER_ID = orderIdFor('woocommerce', '4711');

function line(lineNumber: number, overrides: Partial<PosLine> = {}): PosLine {
  return {
    lineNumber,
    type: 'return',
    itemCode: `ITEM-${lineNumber}`,
    sku: `SKU-${lineNumber}`,
    quantity: 1,
    unitPrice: money(2400),
    discount: money(0),
    amount: money(2400),
    ...overrides,
  };
}

/** A completed exchange at store-042: one sale, and returns with and without the order they came from. */
function exchange(lines: PosLine[], overrides: Partial<PosTransaction> = {}): PosTransaction {
  return {
    transactionId: 'store-042:R1:2026-11-23:1201',
    key: { storeId: 'store-042', registerId: 'R1', businessDay: '2026-11-23', sequence: 1201 },
    endedAt: '2026-11-23T14:05:00-05:00',
    currency: 'USD',
    disposition: 'completed',
    lines,
    tax: money(0),
    tenders: [],
    total: money(0),
    ...overrides,
  };
}

describe('the returns a POS transaction makes against online orders', () => {
  const transaction = exchange([
    line(1, { type: 'sale' }),
    line(2),
    line(3, {
      originalOrder: SHOPIFY_ORDER,
      reasonCode: 'WRONG_SIZE',
      quantity: 2,
      amount: money(4400),
      discount: money(400),
    }),
    line(4, { originalOrder: { orderId: WOO_ORDER_ID } }),
    line(5, { originalOrder: SHOPIFY_ORDER, reasonCode: 'DEFECTIVE' }),
    line(6, { originalOrder: SHOPIFY_ORDER, sku: null }),
  ]);

  it('publishes one return per order named, received at the store, each line with its reason, condition and refund', () => {
    const returns = orderReturnsOf(transaction);

    expect(returns).toEqual([
      {
        returnId: `pos:store-042:R1:2026-11-23:1201:${SHOPIFY_ORDER.orderId}`,
        orderId: SHOPIFY_ORDER.orderId,
        receivedThrough: 'pos',
        restockedOnReceipt: true,
        soldThrough: 'shopify',
        channelOrderId: '5600000000001',
        locationId: 'store-042',
        receivedAt: '2026-11-23T14:05:00-05:00',
        lines: [
          { sku: 'SKU-3', quantity: 2, reasonCode: 'WRONG_SIZE', condition: 'sellable', refund: money(4400) },
          { sku: 'SKU-5', quantity: 1, reasonCode: 'DEFECTIVE', condition: 'damaged', refund: money(2400) },
        ],
      },
      {
        returnId: `pos:store-042:R1:2026-11-23:1201:${WOO_ORDER_ID}`,
        orderId: WOO_ORDER_ID,
        receivedThrough: 'pos',
        restockedOnReceipt: true,
        locationId: 'store-042',
        receivedAt: '2026-11-23T14:05:00-05:00',
        lines: [
          { sku: 'SKU-4', quantity: 1, reasonCode: 'CUSTOMER_RETURN', condition: 'sellable', refund: money(2400) },
        ],
      },
    ]);
    for (const customerReturn of returns) expect(CustomerReturn.safeParse(customerReturn).success).toBe(true);
  });

  it('gives the same returns, ids included, every time the transaction is delivered', () => {
    expect(orderReturnsOf(structuredClone(transaction))).toEqual(orderReturnsOf(transaction));
  });

  it('keeps the channel order id when one line names the order by our id and another by the channel', () => {
    const [named] = orderReturnsOf(
      exchange([
        line(1, { originalOrder: { orderId: SHOPIFY_ORDER.orderId } }),
        line(2, { originalOrder: SHOPIFY_ORDER }),
      ]),
    );

    expect(named).toMatchObject({
      orderId: SHOPIFY_ORDER.orderId,
      soldThrough: 'shopify',
      channelOrderId: '5600000000001',
    });
    expect(named.lines.map((returned) => returned.sku)).toEqual(['SKU-1', 'SKU-2']);
  });

  it('makes no return for an order none of whose lines has a SKU, nor for a transaction that was not completed', () => {
    expect(orderReturnsOf(exchange([line(1, { originalOrder: SHOPIFY_ORDER, sku: null })]))).toEqual([]);
    expect(orderReturnsOf(exchange([line(1, { originalOrder: SHOPIFY_ORDER })], { disposition: 'training' }))).toEqual(
      [],
    );
  });

  it("keeps a return id short enough for return-intake's adjustment ids however long the store and register ids are", () => {
    const long = `${'s'.repeat(64)}:${'r'.repeat(64)}:2026-11-23:9007199254740991`;

    const id = posReturnId(long, SHOPIFY_ORDER.orderId);

    expect(`return:${id}:500:damaged`.length).toBeLessThanOrEqual(200);
    expect(id).toMatch(new RegExp(`^pos:[A-Za-z0-9_-]+:${SHOPIFY_ORDER.orderId}$`));
    expect(posReturnId(long.replace('9007199254740991', '1'), SHOPIFY_ORDER.orderId)).not.toBe(id);
  });
});
