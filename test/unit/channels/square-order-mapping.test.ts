import { OrderMappingError } from '#domain/intake/channel-ports';
import { mapSquareOrder, squareRefunds } from '#shared/channels/square/square-order.mapper';
import { SquareOrder } from '#shared/channels/square/square-order.schema';
import { orderIdFor } from '#domain/kernel/order';
import { type SquareFixtureName, readSquareFixture, squareFixtureSkus } from '../../fixtures/square';
import { money, thrownBy } from '../builders';
import { lookupFrom } from '../support/fake-intake';

const lookup = lookupFrom(squareFixtureSkus);
const orderOf = (name: SquareFixtureName) => readSquareFixture(name).order;
const map = (order: unknown) => mapSquareOrder(SquareOrder.parse(order), lookup);

describe('mapSquareOrder: Square Online order with additive tax, an order discount and taxed shipping', () => {
  const usd = (minor: number) => money(minor, 'USD');
  const nyc = (minor: number) => [{ name: 'NYC Sales Tax', rate: '0.08875', amount: usd(minor) }];

  test('maps each line: unit price from gross sales / quantity, apportioned discount, applied tax', () => {
    const order = map(orderOf('retrieve-order-online-multi-line-usd'));

    expect(order.lines).toEqual([
      {
        lineId: '1',
        channelLineId: 'a1b2c3',
        sku: 'APP-TSHIRT-RED-M',
        channelSku: 'variant:W62UWFY35CWMYGVWK6TWJDNI',
        title: 'Classic Tee - Red, M',
        quantity: 2,
        unitPrice: usd(2500),
        discount: usd(500),
        taxes: nyc(399),
      },
      {
        lineId: '2',
        channelLineId: 'd4e5f6',
        sku: 'HOME-MUG-WHITE',
        channelSku: 'variant:AII2R6W4NFQGVXHO6IQ6OMSW',
        title: 'Enamel Mug - White',
        quantity: 1,
        unitPrice: usd(1450),
        discount: usd(145),
        taxes: nyc(116),
      },
    ]);
  });

  test('maps the shipping service charge with its tax and reproduces total_money 70.77', () => {
    const order = map(orderOf('retrieve-order-online-multi-line-usd'));

    expect(order.shipping).toEqual([{ method: 'Shipping', price: usd(695), discount: usd(0), taxes: nyc(62) }]);
    expect(order.taxesIncluded).toBe(false);
    expect(order.totals).toEqual({
      lines: usd(6450),
      shipping: usd(695),
      discounts: usd(645),
      tax: usd(577),
      total: usd(7077),
    });
  });

  test('keeps the location as the channel account, the reference as the order number, and the recipient', () => {
    const order = map(orderOf('retrieve-order-online-multi-line-usd'));

    expect(order).toMatchObject({
      orderId: orderIdFor('square', 'CAISENgvlJ6jLWAzERDzjyHVybY'),
      channelAccount: 'L8RR7W3ZQ4V1B',
      channelOrderNumber: 'WEB-100482',
      status: 'received',
      placedAt: '2025-03-14T14:26:53.412Z',
      channelUpdatedAt: '2025-03-14T14:26:57.020Z',
      customer: { email: 'maya.okafor@example.com', name: 'Maya Okafor' },
    });
    expect(order.shippingAddress).toMatchObject({
      line1: '1100 Congress Ave',
      city: 'Austin',
      region: 'TX',
      countryCode: 'US',
    });
  });
});

describe('mapSquareOrder: point-of-sale, tax-inclusive, currencies and lifecycle', () => {
  test('maps a VAT-inclusive POS sale without adding VAT to the total, and a completed sale as shipped', () => {
    const order = map(orderOf('retrieve-order-pos-vat-inclusive-gbp'));
    const gbp = (minor: number) => money(minor, 'GBP');

    expect(order.taxesIncluded).toBe(true);
    expect(order.status).toBe('shipped');
    expect(order.lines.map(({ quantity, unitPrice, taxes }) => ({ quantity, unitPrice, taxes }))).toEqual([
      { quantity: 3, unitPrice: gbp(450), taxes: [{ name: 'VAT', rate: '0.2', amount: gbp(225) }] },
      { quantity: 1, unitPrice: gbp(1200), taxes: [{ name: 'VAT', rate: '0.2', amount: gbp(200) }] },
    ]);
    expect(order.totals).toEqual({
      lines: gbp(2550),
      shipping: gbp(0),
      discounts: gbp(0),
      tax: gbp(425),
      total: gbp(2550),
    });
  });

  test('maps a cancelled yen order to cancelled, in whole yen', () => {
    const order = map(orderOf('retrieve-order-cancelled-jpy'));

    expect(order.status).toBe('cancelled');
    expect(order.totals).toEqual({
      lines: money(4800, 'JPY'),
      shipping: money(800, 'JPY'),
      discounts: money(0, 'JPY'),
      tax: money(560, 'JPY'),
      total: money(6160, 'JPY'),
    });
  });

  test('maps an order with one of two shipments completed as partially shipped', () => {
    expect(map(orderOf('retrieve-order-partially-shipped-refund-usd')).status).toBe('partially_shipped');
  });

  test('reports the approved refund, not the rejected one', () => {
    const refunds = squareRefunds(SquareOrder.parse(orderOf('retrieve-order-partially-shipped-refund-usd')));

    expect(refunds).toEqual([
      {
        channel: 'square',
        channelOrderId: 'Rf3KxY8pN2qW5vB7cM1zT4hJ6dGZY',
        orderId: orderIdFor('square', 'Rf3KxY8pN2qW5vB7cM1zT4hJ6dGZY'),
        channelRefundId: 'R9mT2xQ4vN7kB1pL8wZ3cY6hJ5dGZY',
        refundedAt: '2025-04-02T16:20:03.000Z',
        amount: money(1579, 'USD'),
        lines: [],
        reason: 'Mug chipped in transit',
      },
    ]);
  });

  test('holds an ad-hoc line without a catalog item in needs_attention, never inventing a SKU', () => {
    const payload = orderOf('retrieve-order-online-multi-line-usd');
    delete payload.line_items[1].catalog_object_id;

    const order = map(payload);

    expect(order.status).toBe('needs_attention');
    expect(order.lines[1]).toMatchObject({ sku: null, channelSku: '' });
  });

  test('refuses a fractional quantity (sold by weight) instead of rounding it', () => {
    const payload = orderOf('retrieve-order-pos-vat-inclusive-gbp');
    payload.line_items[0].quantity = '1.5';

    const error = thrownBy(OrderMappingError, () => map(payload));

    expect(error.details).toEqual([{ path: 'line_items.0.quantity', message: '"1.5" is not a whole number of units' }]);
  });

  test('refuses gross sales that do not divide into equal unit prices, naming the remainder', () => {
    const payload = orderOf('retrieve-order-pos-vat-inclusive-gbp');
    payload.line_items[0].gross_sales_money.amount = 1351;

    const error = thrownBy(OrderMappingError, () => map(payload));

    expect(error.details).toEqual([
      {
        path: 'line_items.0.gross_sales_money',
        message: '13.51 GBP for 3 units leaves 0.01 that no equal unit price reproduces',
      },
    ]);
  });

  test('refuses a tip, which the canonical order has no place for', () => {
    const payload = orderOf('retrieve-order-pos-vat-inclusive-gbp');
    payload.total_tip_money = { amount: 200, currency: 'GBP' };

    expect(() => map(payload)).toThrow(OrderMappingError);
  });

  test('refuses an order whose lines do not reproduce total_money, naming the difference', () => {
    const payload = orderOf('retrieve-order-online-multi-line-usd');
    payload.total_money.amount = 7078;

    const error = thrownBy(OrderMappingError, () => map(payload));

    expect(error.message).toBe('total_money 70.78 differs from the computed 70.77 by 0.01');
  });
});
