import { OrderMappingError } from '#domain/intake/channel-ports';
import { mapWalmartOrder, walmartRefunds } from '#shared/channels/walmart/walmart-order.mapper';
import { WalmartOrder } from '#shared/channels/walmart/walmart-order.schema';
import { orderIdFor } from '#domain/kernel/order';
import { type WalmartFixtureName, readWalmartFixture, walmartFixtureSkus } from '../../fixtures/walmart';
import { money, thrownBy } from '../builders';
import { lookupFrom } from '../support/fake-intake';

const lookup = lookupFrom(walmartFixtureSkus);
const orderOf = (name: WalmartFixtureName) => readWalmartFixture(name).order;
const map = (order: unknown) => mapWalmartOrder(WalmartOrder.parse(order), lookup);
const usd = (minor: number) => money(minor, 'USD');
const tax1 = (minor: number) => [{ name: 'Tax1', amount: usd(minor) }];

describe('mapWalmartOrder: multi-line, multi-quantity order with a discount, tax and taxed shipping', () => {
  test('maps each line: unit price from the extended ItemPrice / quantity, discount and its tax netted', () => {
    const order = map(orderOf('get-order-multi-line-usd'));

    expect(order.lines).toEqual([
      {
        lineId: '1',
        channelLineId: '1',
        sku: 'APP-TSHIRT-RED-M',
        channelSku: 'WM-TEE-RED-M',
        title: 'Organic Cotton Tee, Red, M',
        quantity: 2,
        unitPrice: usd(2499),
        discount: usd(0),
        taxes: tax1(412),
      },
      {
        lineId: '2',
        channelLineId: '2',
        sku: 'HOME-MUG-WHITE',
        channelSku: 'WM-MUG-WHT',
        title: 'Stoneware Mug, White',
        quantity: 1,
        unitPrice: usd(1450),
        discount: usd(145),
        taxes: tax1(108),
      },
      {
        lineId: '3',
        channelLineId: '3',
        sku: 'HOME-TOTE-CANVAS',
        channelSku: 'WM-TOTE-CNV',
        title: 'Canvas Tote',
        quantity: 3,
        unitPrice: usd(1200),
        discount: usd(0),
        taxes: tax1(297),
      },
    ]);
  });

  test('maps the SHIPPING charges to one shipping line with their tax and reproduces the total 113.68', () => {
    const order = map(orderOf('get-order-multi-line-usd'));

    expect(order.shipping).toEqual([{ method: 'Standard', price: usd(599), discount: usd(0), taxes: tax1(49) }]);
    expect(order.taxesIncluded).toBe(false);
    expect(order.totals).toEqual({
      lines: usd(10048),
      shipping: usd(599),
      discounts: usd(145),
      tax: usd(866),
      total: usd(11368),
    });
  });

  test('keeps the purchase order id, the customer order number, the buyer and the address, and the latest status date as the version', () => {
    const order = map(orderOf('get-order-multi-line-usd'));

    expect(order).toMatchObject({
      orderId: orderIdFor('walmart', '108829635611911'),
      channel: 'walmart',
      channelOrderId: '108829635611911',
      channelOrderNumber: '200012345678901',
      status: 'received',
      placedAt: '2025-11-23T10:00:00.000Z',
      channelUpdatedAt: '2025-11-23T10:20:00.000Z',
      customer: { email: '5C4B9E1F2A3D4E6F8A0B1C2D3E4F5A6B@relay.walmart.com', name: 'Maya Okafor' },
      shippingAddress: {
        name: 'Maya Okafor',
        line1: '1100 Congress Ave',
        line2: 'Apt 4B',
        city: 'Austin',
        region: 'TX',
        postalCode: '78701',
        countryCode: 'US',
        phone: '5125550143',
      },
    });
  });

  test('reads a PRODUCT charge as the whole line, so an order totalled as if it were per unit is refused, naming the difference', () => {
    const payload = orderOf('get-order-multi-line-usd');
    // Per unit, line 1 would be 2 x 49.98 and line 3 3 x 36.00: 49.98 + 72.00 more than the extended reading.
    payload.orderSummary.totalAmount.currencyAmount = 235.66;

    const error = thrownBy(OrderMappingError, () => map(payload));

    expect(error.message).toBe('orderSummary.totalAmount 235.66 differs from the computed 113.68 by 121.98');
    expect(error.details).toEqual([{ path: 'orderSummary.totalAmount', message: 'differs by 121.98 USD' }]);
  });

  test('refuses an ItemPrice that does not divide into equal unit prices, naming the remainder', () => {
    const payload = orderOf('get-order-multi-line-usd');
    payload.orderLines.orderLine[0].charges.charge[0].chargeAmount.amount = 49.99;

    const error = thrownBy(OrderMappingError, () => map(payload));

    expect(error.details).toEqual([
      {
        path: 'orderLines.orderLine.0.charges.PRODUCT',
        message: '49.99 USD for 2 units leaves 0.01 that no equal unit price reproduces',
      },
    ]);
  });

  test('refuses an amount with more decimals than the currency has instead of rounding it', () => {
    const payload = orderOf('get-order-multi-line-usd');
    payload.orderLines.orderLine[1].charges.charge[0].chargeAmount.amount = 14.505;

    const error = thrownBy(OrderMappingError, () => map(payload));

    expect(error.details).toEqual([
      {
        path: 'orderLines.orderLine.1.charges.charge.0.chargeAmount.amount',
        message: '"14.505" has more than 2 decimals for USD',
      },
    ]);
  });

  test('refuses a charge type it has no place for rather than dropping it', () => {
    const payload = orderOf('get-order-multi-line-usd');
    payload.orderLines.orderLine[2].charges.charge.push({
      chargeType: 'FEE',
      chargeName: 'Handling',
      chargeAmount: { currency: 'USD', amount: 1 },
      tax: null,
    });

    const error = thrownBy(OrderMappingError, () => map(payload));

    expect(error.details).toEqual([
      { path: 'orderLines.orderLine.2.charges.charge.1.chargeType', message: 'FEE is not PRODUCT or SHIPPING' },
    ]);
  });

  test('refuses a fractional quantity instead of rounding it', () => {
    const payload = orderOf('get-order-multi-line-usd');
    payload.orderLines.orderLine[2].orderLineQuantity.amount = '1.5';

    const error = thrownBy(OrderMappingError, () => map(payload));

    expect(error.details).toEqual([
      { path: 'orderLines.orderLine.2.orderLineQuantity.amount', message: '"1.5" is not a whole number of units' },
    ]);
  });

  test('refuses an order whose lines do not reproduce orderSummary.totalAmount by one cent', () => {
    const payload = orderOf('get-order-multi-line-usd');
    payload.orderSummary.totalAmount.currencyAmount = 113.69;

    expect(thrownBy(OrderMappingError, () => map(payload)).message).toBe(
      'orderSummary.totalAmount 113.69 differs from the computed 113.68 by 0.01',
    );
  });

  test('holds a line with an empty SKU in needs_attention, never inventing a SKU or dropping the line', () => {
    const payload = orderOf('get-order-multi-line-usd');
    payload.orderLines.orderLine[1].item.sku = '';

    const order = map(payload);

    expect(order.status).toBe('needs_attention');
    expect(order.lines[1]).toMatchObject({ sku: null, channelSku: '', quantity: 1, unitPrice: usd(1450) });
    expect(order.totals.total).toEqual(usd(11368));
  });
});

describe('mapWalmartOrder: line statuses, cancellations and refunds', () => {
  test('maps a purchase order whose every unit is Cancelled to cancelled, with its money intact', () => {
    const order = map(orderOf('get-order-cancelled-usd'));

    expect(order.status).toBe('cancelled');
    expect(order.totals).toEqual({
      lines: usd(2499),
      shipping: usd(0),
      discounts: usd(0),
      tax: usd(206),
      total: usd(2705),
    });
  });

  test('maps one of two hoodies shipped and the mug delivered to partially shipped', () => {
    const order = map(orderOf('get-order-partially-shipped-refund-usd'));

    expect(order.status).toBe('partially_shipped');
    expect(order.channelUpdatedAt).toBe('2025-11-26T11:42:00.000Z');
    expect(
      order.lines.map(({ quantity, unitPrice, discount, taxes }) => ({ quantity, unitPrice, discount, taxes })),
    ).toEqual([
      { quantity: 2, unitPrice: usd(3999), discount: usd(0), taxes: tax1(660) },
      { quantity: 1, unitPrice: usd(1450), discount: usd(0), taxes: tax1(120) },
    ]);
    expect(order.shipping).toEqual([{ method: 'Standard', price: usd(699), discount: usd(0), taxes: tax1(58) }]);
    expect(order.totals).toEqual({
      lines: usd(9448),
      shipping: usd(699),
      discounts: usd(0),
      tax: usd(838),
      total: usd(10985),
    });
  });

  test('maps every live unit shipped or delivered to shipped', () => {
    const payload = orderOf('get-order-partially-shipped-refund-usd');
    payload.orderLines.orderLine[0].orderLineStatuses.orderLineStatus = [
      { status: 'Shipped', statusQuantity: { unitOfMeasurement: 'EACH', amount: '2' } },
    ];

    expect(map(payload).status).toBe('shipped');
  });

  test('reports a partial refund (charge and its tax, given back as a positive amount) and leaves the status alone', () => {
    const payload = WalmartOrder.parse(orderOf('get-order-partially-shipped-refund-usd'));

    expect(walmartRefunds(payload)).toEqual([
      {
        channel: 'walmart',
        channelOrderId: '108829635611912',
        orderId: orderIdFor('walmart', '108829635611912'),
        channelRefundId: '128594032411',
        refundedAt: '2025-11-26T11:42:00.000Z',
        amount: usd(785),
        lines: [{ channelLineId: '2', quantity: 0, goods: usd(725), tax: usd(60), restockType: 'no_restock' }],
        reason: 'ItemDamaged',
      },
    ]);
    expect(mapWalmartOrder(payload, lookup).status).toBe('partially_shipped');
  });

  test('reports the refund of a line that never shipped as its units cancelled, goods, tax and shipping apart to the cent', () => {
    const payload = orderOf('get-order-partially-shipped-refund-usd');
    const line = payload.orderLines.orderLine[0];
    line.orderLineStatuses.orderLineStatus = [
      { status: 'Cancelled', statusQuantity: { unitOfMeasurement: 'EACH', amount: '2' } },
    ];
    line.refund = {
      refundId: '128594032500',
      refundCharges: {
        refundCharge: [
          {
            refundReason: 'BuyerCanceled',
            charge: {
              chargeType: 'PRODUCT',
              chargeName: 'ItemPrice',
              chargeAmount: { currency: 'USD', amount: -79.98 },
              tax: { taxName: 'Tax1', taxAmount: { currency: 'USD', amount: -6.6 } },
            },
          },
          {
            charge: {
              chargeType: 'SHIPPING',
              chargeName: 'Shipping',
              chargeAmount: { currency: 'USD', amount: -6.99 },
              tax: { taxName: 'Tax2', taxAmount: { currency: 'USD', amount: -0.58 } },
            },
          },
        ],
      },
    };

    const [cancelled] = walmartRefunds(WalmartOrder.parse(payload));

    expect(cancelled).toMatchObject({
      channelRefundId: '128594032500',
      amount: usd(9415),
      lines: [{ channelLineId: '1', quantity: 2, goods: usd(7998), tax: usd(660), restockType: 'cancel' }],
      shipping: { amount: usd(699), tax: usd(58) },
      reason: 'BuyerCanceled',
    });
  });

  test('reports the refund of a line with one hoodie shipped and one cancelled as the cancelled unit', () => {
    const payload = orderOf('get-order-partially-shipped-refund-usd');
    const line = payload.orderLines.orderLine[0];
    line.orderLineStatuses.orderLineStatus = [
      { status: 'Shipped', statusQuantity: { unitOfMeasurement: 'EACH', amount: '1' } },
      { status: 'Cancelled', statusQuantity: { unitOfMeasurement: 'EACH', amount: '1' } },
    ];
    line.refund = {
      refundId: '128594032501',
      refundCharges: {
        refundCharge: [
          {
            refundReason: 'BuyerCanceled',
            charge: {
              chargeType: 'PRODUCT',
              chargeName: 'ItemPrice',
              chargeAmount: { currency: 'USD', amount: -39.99 },
              tax: { taxName: 'Tax1', taxAmount: { currency: 'USD', amount: -3.3 } },
            },
          },
        ],
      },
    };

    const [refund] = walmartRefunds(WalmartOrder.parse(payload));

    expect(refund.amount).toEqual(usd(4329));
    expect(refund.lines).toEqual([
      { channelLineId: '1', quantity: 1, goods: usd(3999), tax: usd(330), restockType: 'cancel' },
    ]);
  });

  test('maps a delivered order whose whole price was refunded to refunded', () => {
    const payload = orderOf('get-order-cancelled-usd');
    const line = payload.orderLines.orderLine[0];
    line.orderLineStatuses.orderLineStatus = [
      { status: 'Delivered', statusQuantity: { unitOfMeasurement: 'EACH', amount: '1' } },
    ];
    line.refund = {
      refundId: '128594032499',
      refundCharges: {
        refundCharge: [
          {
            refundReason: 'BuyerCanceled',
            charge: {
              chargeType: 'PRODUCT',
              chargeName: 'ItemPrice',
              chargeAmount: { currency: 'USD', amount: -24.99 },
              tax: { taxName: 'Tax1', taxAmount: { currency: 'USD', amount: -2.06 } },
            },
          },
        ],
      },
    };

    expect(map(payload).status).toBe('refunded');
    expect(walmartRefunds(WalmartOrder.parse(payload)).map((refund) => refund.amount)).toEqual([usd(2705)]);
  });
});
