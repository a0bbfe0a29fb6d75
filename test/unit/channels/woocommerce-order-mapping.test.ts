import { OrderMappingError } from '#domain/intake/channel-ports';
import { WooCommerceOrderPayload } from '#shared/channels/woocommerce/woocommerce-order.schema';
import { mapWooCommerceOrder, wooCommerceRefunds } from '#shared/channels/woocommerce/woocommerce-webhook.adapter';
import { orderIdFor } from '#domain/kernel/order';
import {
  type WooCommerceFixtureName,
  type WooCommerceOrderFixture,
  readWooCommerceFixture,
  wooCommerceFixtureSkus,
} from '../../fixtures/woocommerce';
import { money, thrownBy } from '../builders';
import { lookupFrom } from '../support/fake-intake';

const lookup = lookupFrom(wooCommerceFixtureSkus);

function mapPayload(payload: WooCommerceOrderFixture) {
  return mapWooCommerceOrder(WooCommerceOrderPayload.parse(payload), lookup);
}

function mapFixture(name: WooCommerceFixtureName) {
  return mapPayload(readWooCommerceFixture(name));
}

describe('mapWooCommerceOrder: tax-exclusive USD order with a coupon and taxed shipping', () => {
  const usd = (minor: number) => money(minor, 'USD');
  const texas = (minor: number) => [{ name: 'Texas Sales Tax', rate: '0.0825', amount: usd(minor) }];

  test('derives each unit price from the tax-exclusive line subtotal, with the coupon as the line discount', () => {
    const order = mapFixture('order-multi-line-usd');

    expect(order.lines).toEqual([
      {
        lineId: '1',
        channelLineId: '315',
        sku: 'APP-TSHIRT-RED-M',
        channelSku: 'TSHIRT-RED-M',
        title: 'Classic Tee - Red, M',
        quantity: 2,
        unitPrice: usd(2500),
        discount: usd(500),
        taxes: texas(371),
      },
      {
        lineId: '2',
        channelLineId: '316',
        sku: 'HOME-MUG-WHITE',
        channelSku: 'MUG-WHITE',
        title: 'Enamel Mug - White',
        quantity: 3,
        unitPrice: usd(1450),
        discount: usd(435),
        taxes: texas(323),
      },
    ]);
  });

  test('maps shipping with its tax, and reproduces total 99.21', () => {
    const order = mapFixture('order-multi-line-usd');

    expect(order.shipping).toEqual([{ method: 'Flat rate', price: usd(750), discount: usd(0), taxes: texas(62) }]);
    expect(order.taxesIncluded).toBe(false);
    expect(order.totals).toEqual({
      lines: usd(9350),
      shipping: usd(750),
      discounts: usd(935),
      tax: usd(756),
      total: usd(9921),
    });
  });

  test('identifies the order by its id, keeps its number, reads GMT timestamps as UTC and maps processing to received', () => {
    const order = mapFixture('order-multi-line-usd');

    expect(order).toMatchObject({
      orderId: orderIdFor('woocommerce', '4711'),
      channel: 'woocommerce',
      channelOrderId: '4711',
      channelOrderNumber: '4711',
      status: 'received',
      placedAt: '2025-03-14T14:26:53.000Z',
      channelUpdatedAt: '2025-03-14T14:27:10.000Z',
      customer: { email: 'maya.okafor@example.com', name: 'Maya Okafor' },
    });
    expect(order.shippingAddress).toEqual({
      name: 'Maya Okafor',
      company: 'Okafor Design Studio',
      line1: '1100 Congress Ave',
      line2: 'Apt 4B',
      city: 'Austin',
      region: 'TX',
      postalCode: '78701',
      countryCode: 'US',
      phone: '+15125550143',
    });
  });
});

describe('mapWooCommerceOrder: store with prices entered including VAT', () => {
  const eur = (minor: number) => money(minor, 'EUR');
  const vat = (minor: number) => [{ name: 'MwSt.', rate: '0.19', amount: eur(minor) }];

  test('rebuilds the shelf price from subtotal + subtotal tax and keeps the gross coupon as the discount', () => {
    const order = mapFixture('order-tax-inclusive-eur');

    expect(order.taxesIncluded).toBe(true);
    expect(
      order.lines.map(({ unitPrice, quantity, discount, taxes }) => ({ unitPrice, quantity, discount, taxes })),
    ).toEqual([
      { unitPrice: eur(5990), quantity: 1, discount: eur(1000), taxes: vat(797) },
      { unitPrice: eur(1295), quantity: 3, discount: eur(0), taxes: vat(620) },
    ]);
  });

  test('adds the shipping tax into the shipping price and does not add VAT again to the total 93.65', () => {
    const order = mapFixture('order-tax-inclusive-eur');

    expect(order.shipping).toEqual([{ method: 'DHL Paket', price: eur(490), discount: eur(0), taxes: vat(78) }]);
    expect(order.totals).toEqual({
      lines: eur(9875),
      shipping: eur(490),
      discounts: eur(1000),
      tax: eur(1495),
      total: eur(9365),
    });
  });

  test('refuses a line whose gross amount does not divide into equal unit prices, naming the remainder', () => {
    const payload = readWooCommerceFixture('order-tax-inclusive-eur');
    payload.line_items[1] = { ...payload.line_items[1], subtotal: '32.66', total: '32.66', total_tax: '6.20' };
    payload.total = '93.66';

    const error = thrownBy(OrderMappingError, () => mapPayload(payload));

    expect(error.details).toEqual([
      {
        path: 'line_items.1.subtotal+subtotal_tax',
        message: '38.86 EUR for 3 units leaves 0.01 that no equal unit price reproduces',
      },
    ]);
  });
});

describe('mapWooCommerceOrder: SKUs, currencies, refunds and lifecycle', () => {
  test('resolves a variation without SKU through its variation id', () => {
    const order = mapFixture('order-empty-sku-partial-refund-gbp');

    expect(order.status).toBe('received');
    expect(order.lines[0]).toMatchObject({
      sku: 'HOME-TOTE-CANVAS',
      channelSku: 'variant:4411',
      unitPrice: money(1800, 'GBP'),
    });
    expect(order.totals).toEqual({
      lines: money(1800, 'GBP'),
      shipping: money(395, 'GBP'),
      discounts: money(0, 'GBP'),
      tax: money(439, 'GBP'),
      total: money(2634, 'GBP'),
    });
  });

  test('reports a partial refund, positive, in the order currency', () => {
    const refunds = wooCommerceRefunds(
      WooCommerceOrderPayload.parse(readWooCommerceFixture('order-empty-sku-partial-refund-gbp')),
    );

    expect(refunds).toEqual([
      {
        channel: 'woocommerce',
        channelOrderId: '6130',
        orderId: orderIdFor('woocommerce', '6130'),
        channelRefundId: '6133',
        refundedAt: '2025-06-04T15:20:03.000Z',
        amount: money(500, 'GBP'),
        lines: [],
        reason: 'Strap arrived frayed',
      },
    ]);
  });

  test('maps a cancelled yen order to cancelled, in whole yen', () => {
    const order = mapFixture('order-cancelled-jpy');

    expect(order.status).toBe('cancelled');
    expect(order.totals).toEqual({
      lines: money(4800, 'JPY'),
      shipping: money(800, 'JPY'),
      discounts: money(0, 'JPY'),
      tax: money(560, 'JPY'),
      total: money(6160, 'JPY'),
    });
  });

  test.each([
    ['completed', 'shipped'],
    ['refunded', 'refunded'],
    ['failed', 'cancelled'],
    ['on-hold', 'received'],
  ])('maps status %s to %s', (status, expected) => {
    const payload = readWooCommerceFixture('order-multi-line-usd');
    payload.status = status;

    expect(mapPayload(payload).status).toBe(expected);
  });

  test('holds an order with an unknown SKU in needs_attention, the line unresolved', () => {
    const payload = readWooCommerceFixture('order-multi-line-usd');
    payload.line_items[1].sku = 'POSTER-A2-LTD';

    const order = mapPayload(payload);

    expect(order.status).toBe('needs_attention');
    expect(order.lines.map((line) => [line.channelSku, line.sku])).toEqual([
      ['TSHIRT-RED-M', 'APP-TSHIRT-RED-M'],
      ['POSTER-A2-LTD', null],
    ]);
  });

  test('refuses a fee line instead of dropping its money', () => {
    const payload = readWooCommerceFixture('order-multi-line-usd');
    payload.fee_lines = [{ id: 400, name: 'Gift wrap', total: '3.00', total_tax: '0.25' }];

    const error = thrownBy(OrderMappingError, () => mapPayload(payload));

    expect(error.details).toEqual([
      { path: 'fee_lines.0.total', message: 'fee "Gift wrap" of 3.00 has no place in the canonical order' },
    ]);
  });

  test('refuses an order whose lines do not reproduce total, naming the difference', () => {
    const payload = readWooCommerceFixture('order-multi-line-usd');
    payload.total = '99.20';

    const error = thrownBy(OrderMappingError, () => mapPayload(payload));

    expect(error.message).toBe('total 99.20 differs from the computed 99.21 by -0.01');
  });
});
