import { OrderMappingError } from '#domain/intake/channel-ports';
import { ebayRefunds, mapEbayOrder } from '#shared/channels/ebay/ebay-order.mapper';
import { EbayOrder } from '#shared/channels/ebay/ebay-order.schema';
import { orderIdFor } from '#domain/kernel/order';
import { type EbayFixtureName, ebayFixtureSkus, readEbayFixture } from '../../fixtures/ebay';
import { money, thrownBy } from '../builders';
import { lookupFrom } from '../support/fake-intake';

const lookup = lookupFrom(ebayFixtureSkus);
const map = (order: unknown) => mapEbayOrder(EbayOrder.parse(order), lookup);
const mapFixture = (name: EbayFixtureName) => map(readEbayFixture(name));

describe('mapEbayOrder: US order with sales tax, a promotion and a line without SKU', () => {
  const usd = (minor: number) => money(minor, 'USD');

  test('divides the extended lineItemCost by the quantity, with promotions as discount and line taxes', () => {
    const order = mapFixture('order-us-multi-line');

    expect(order.lines).toEqual([
      {
        lineId: '1',
        channelLineId: '10068532941001',
        sku: 'APP-TSHIRT-RED-M',
        channelSku: 'TSHIRT-RED-M',
        title: 'Classic Tee - Red / M',
        quantity: 2,
        unitPrice: usd(2500),
        discount: usd(500),
        taxes: [{ name: 'STATE_SALES_TAX', amount: usd(413) }],
      },
      {
        lineId: '2',
        channelLineId: '10068532941002',
        sku: 'HOME-MUG-WHITE',
        channelSku: 'variant:186543219871',
        title: 'Enamel Mug - White',
        quantity: 3,
        unitPrice: usd(1450),
        discount: usd(0),
        taxes: [{ name: 'STATE_SALES_TAX', amount: usd(359) }],
      },
    ]);
  });

  test('maps delivery cost as shipping and reproduces pricingSummary.total 101.21', () => {
    const order = mapFixture('order-us-multi-line');

    expect(order.shipping).toEqual([{ method: 'USPSPriority', price: usd(499), discount: usd(0), taxes: [] }]);
    expect(order.totals).toEqual({
      lines: usd(9350),
      shipping: usd(499),
      discounts: usd(500),
      tax: usd(772),
      total: usd(10121),
    });
    expect(order).toMatchObject({
      orderId: orderIdFor('ebay', '04-12870-41573'),
      channelAccount: 'fabric_demo_store',
      status: 'received',
      channelUpdatedAt: '2025-03-14T14:31:07.000Z',
    });
  });
});

describe('mapEbayOrder: VAT marketplaces, refunds and lifecycle', () => {
  test('keeps eBay UK prices VAT-inclusive, with the shipping discount, and maps FULFILLED as shipped', () => {
    const order = mapFixture('order-gb-vat-inclusive-partial-refund');
    const gbp = (minor: number) => money(minor, 'GBP');

    expect(order.taxesIncluded).toBe(true);
    expect(order.status).toBe('shipped');
    expect(order.shipping).toEqual([{ method: 'USPSPriority', price: gbp(395), discount: gbp(100), taxes: [] }]);
    expect(order.totals).toEqual({
      lines: gbp(5990),
      shipping: gbp(395),
      discounts: gbp(1100),
      tax: gbp(0),
      total: gbp(5285),
    });
  });

  test('reports the partial refund', () => {
    expect(ebayRefunds(EbayOrder.parse(readEbayFixture('order-gb-vat-inclusive-partial-refund')))).toEqual([
      {
        channel: 'ebay',
        channelOrderId: '07-12891-55120',
        orderId: orderIdFor('ebay', '07-12891-55120'),
        channelRefundId: '5312345678',
        refundedAt: '2025-06-04T15:20:01.000Z',
        amount: money(500, 'GBP'),
        lines: [],
      },
    ]);
  });

  test("reports a refund issued on a line, which eBay lists only under the line, naming the line with eBay's net amount", () => {
    const payload = readEbayFixture('order-us-multi-line');
    payload.lineItems[1].refunds = [
      { refundId: '5312399001', refundDate: '2025-06-05T10:00:00.000Z', amount: { value: '12.49', currency: 'USD' } },
      { refundId: '5312399002', refundStatus: 'PENDING', amount: { value: '3.00', currency: 'USD' } },
    ];
    const parsed = EbayOrder.parse(payload);

    expect(ebayRefunds(parsed)).toEqual([
      {
        channel: 'ebay',
        channelOrderId: parsed.orderId,
        orderId: orderIdFor('ebay', parsed.orderId),
        channelRefundId: '5312399001',
        refundedAt: '2025-06-05T10:00:00.000Z',
        amount: money(1249, 'USD'),
        lines: [
          {
            channelLineId: parsed.lineItems[1].lineItemId,
            quantity: 0,
            amount: money(1249, 'USD'),
            restockType: 'no_restock',
          },
        ],
      },
    ]);
  });

  test('maps a completed cancellation to cancelled, even when fully refunded', () => {
    expect(mapFixture('order-us-cancelled').status).toBe('cancelled');
  });

  test('holds an unknown SKU in needs_attention', () => {
    const payload = readEbayFixture('order-us-multi-line');
    payload.lineItems[0].sku = 'NOT-MAPPED';

    expect(map(payload).status).toBe('needs_attention');
  });

  test('refuses a lineItemCost that does not divide by the quantity', () => {
    const payload = readEbayFixture('order-us-multi-line');
    payload.lineItems[1].lineItemCost.value = '43.51';
    payload.pricingSummary.total.value = '101.22';

    expect(thrownBy(OrderMappingError, () => map(payload)).details).toEqual([
      {
        path: 'lineItems.1.lineItemCost',
        message: '43.51 USD for 3 units leaves 0.01 that no equal unit price reproduces',
      },
    ]);
  });

  test('refuses an order whose lines do not reproduce the total, naming the difference', () => {
    const payload = readEbayFixture('order-us-multi-line');
    payload.pricingSummary.total.value = '101.11';

    expect(thrownBy(OrderMappingError, () => map(payload)).message).toBe(
      'pricingSummary.total 101.11 differs from the computed 101.21 by -0.10',
    );
  });
});
