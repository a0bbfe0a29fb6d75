import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { Order, computeOrderTotals, orderIdFor } from '#domain/kernel/order';
import { balancedOrder, money } from '../builders';

describe('Order', () => {
  test('accepts an order whose totals balance to the cent', () => {
    const result = Order.safeParse(balancedOrder());

    expect(result.success).toBe(true);
  });

  test('rejects a total one cent off, at totals.total', () => {
    const order = balancedOrder();
    const offByOneCent = { ...order, totals: { ...order.totals, total: money(order.totals.total.amountMinor + 1) } };

    const result = Order.safeParse(offByOneCent);

    expect(result.error?.issues).toEqual([
      expect.objectContaining({ path: ['totals', 'total'], message: 'is 56.24 but the lines compute 56.23' }),
    ]);
  });

  test("rejects totals in another currency than its lines, naming each total's currency", () => {
    const order = balancedOrder();
    const inEuros = Object.fromEntries(
      Object.entries(order.totals).map(([key, total]) => [key, money(total.amountMinor, 'EUR')]),
    );

    const result = Order.safeParse({ ...order, totals: inEuros });

    expect(result.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual(
      ['lines', 'shipping', 'discounts', 'tax', 'total'].map((key) => [
        `totals.${key}.currency`,
        'is EUR but the order and its lines are in USD',
      ]),
    );
  });

  test('rejects lines in another currency than the order, at currency', () => {
    const order = balancedOrder();
    const euroLine = { ...order.lines[0], unitPrice: money(2500, 'EUR') };

    const result = Order.safeParse({ ...order, lines: [euroLine] });

    expect(result.error?.issues).toEqual([
      expect.objectContaining({ path: ['currency'], message: 'cannot add EUR to a USD total' }),
    ]);
  });

  test('requires an order with an unresolved SKU to be needs_attention', () => {
    const order = balancedOrder();
    const unresolved = { ...order, lines: [{ ...order.lines[0], sku: null }] };

    const asReceived = Order.safeParse(unresolved);
    const asNeedsAttention = Order.safeParse({ ...unresolved, status: 'needs_attention' });

    expect(asReceived.error?.issues.map((issue) => issue.path)).toEqual([['lines', 0, 'sku']]);
    expect(asNeedsAttention.success).toBe(true);
  });
});

describe('orderIdFor', () => {
  test('gives every delivery of one channel order the same id', () => {
    expect(orderIdFor('shopify', '5829743312345')).toBe(orderIdFor('shopify', '5829743312345'));
  });

  test('gives the same channel order id on two channels two ids', () => {
    expect(orderIdFor('shopify', '1001')).not.toBe(orderIdFor('woocommerce', '1001'));
  });

  test('is the first 130 bits of the SHA-256 of channel and id in base32, as every stored order was named', () => {
    // Computed with an independent encoder from the hash's bytes: stored orders, and the webhook's answers, carry these ids.
    expect(orderIdFor('shopify', '1')).toBe('ord_ly7nfqjrkutbtjpigsgptarh6u');
    expect(orderIdFor('amazon', '1')).toBe(expectedOrderId('amazon', '1'));
    fc.assert(
      fc.property(fc.string(), (channelOrderId) => {
        expect(orderIdFor('ebay', channelOrderId)).toBe(expectedOrderId('ebay', channelOrderId));
      }),
    );
  });

  test('is ord_ and 26 lower-case base32 characters', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (channelOrderId) => {
        expect(orderIdFor('amazon', channelOrderId)).toMatch(/^ord_[a-z2-7]{26}$/);
      }),
    );
  });
});

describe('computeOrderTotals', () => {
  const amount = fc.integer({ min: 0, max: 1_000_000 });
  const taxes = fc.array(
    amount.map((minor) => ({ name: 'Tax', amount: money(minor) })),
    { maxLength: 3 },
  );
  const line = fc.record({ quantity: fc.integer({ min: 1, max: 50 }), unitPrice: amount, discount: amount, taxes });
  const shipping = fc.record({ price: amount, discount: amount, taxes });

  test('total is lines + shipping + tax (unless included in prices) - discounts, to the minor unit', () => {
    fc.assert(
      fc.property(
        fc.array(line, { minLength: 1, maxLength: 5 }),
        fc.array(shipping, { maxLength: 2 }),
        fc.boolean(),
        (lines, shippings, taxesIncluded) => {
          const order = {
            currency: 'USD',
            taxesIncluded,
            lines: lines.map((l, i) => ({
              lineId: `${i + 1}`,
              channelLineId: `${i + 1}`,
              sku: `SKU-${i}`,
              channelSku: `SKU-${i}`,
              quantity: l.quantity,
              unitPrice: money(l.unitPrice),
              discount: money(l.discount),
              taxes: l.taxes,
            })),
            shipping: shippings.map((s) => ({ price: money(s.price), discount: money(s.discount), taxes: s.taxes })),
          };
          const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
          const linesTotal = sum(lines.map((l) => l.unitPrice * l.quantity));
          const shippingTotal = sum(shippings.map((s) => s.price));
          const tax = sum([...lines, ...shippings].flatMap((x) => x.taxes.map((t) => t.amount.amountMinor)));
          const discounts = sum([...lines, ...shippings].map((x) => x.discount));

          const totals = computeOrderTotals(order);

          expect(totals.total).toEqual(money(linesTotal + shippingTotal + (taxesIncluded ? 0 : tax) - discounts));
        },
      ),
    );
  });
});

/** RFC 4648 base32 of the SHA-256 bytes, written out bit by bit. */
function expectedOrderId(channel: string, channelOrderId: string): string {
  const bytes = createHash('sha256').update(`${channel}\u0000${channelOrderId}`).digest();
  const bits = [...bytes].map((byte) => byte.toString(2).padStart(8, '0')).join('');
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let id = '';
  for (let i = 0; i < 26 * 5; i += 5) id += alphabet[Number.parseInt(bits.slice(i, i + 5), 2)];
  return `ord_${id}`;
}
