import { OrderMappingError } from '#domain/intake/channel-ports';
import { mapAmazonOrder } from '#shared/channels/amazon/amazon-order.mapper';
import { AmazonOrder, AmazonOrderItem } from '#shared/channels/amazon/amazon-order.schema';
import { orderIdFor } from '#domain/kernel/order';
import { type AmazonFixtureName, amazonFixtureSkus, readAmazonFixture } from '../../fixtures/amazon';
import { money, thrownBy } from '../builders';
import { lookupFrom } from '../support/fake-intake';

const lookup = lookupFrom(amazonFixtureSkus);
const map = (fixture: { order: unknown; items: unknown[] }) =>
  mapAmazonOrder(
    {
      order: AmazonOrder.parse(fixture.order),
      items: fixture.items.map((item) => AmazonOrderItem.parse(item)),
      sellerId: 'A3TH9S8BH6GOGM',
    },
    lookup,
  );
const mapFixture = (name: AmazonFixtureName) => map(readAmazonFixture(name));

describe('mapAmazonOrder: US order (tax added on top)', () => {
  const usd = (minor: number) => money(minor, 'USD');

  test('divides the extended ItemPrice by the quantity, with the promotion as the line discount', () => {
    const order = mapFixture('order-us-multi-line');

    expect(order.lines).toEqual([
      {
        lineId: '1',
        channelLineId: '62818943151234',
        sku: 'APP-TSHIRT-RED-M',
        channelSku: 'TSHIRT-RED-M',
        title: 'Classic Tee, Red, Medium',
        quantity: 2,
        unitPrice: usd(2500),
        discount: usd(500),
        taxes: [{ name: 'Item tax', amount: usd(371) }],
      },
      {
        lineId: '2',
        channelLineId: '62818943151235',
        sku: 'HOME-MUG-WHITE',
        channelSku: 'MUG-WHITE',
        title: 'Enamel Mug, White, 12 oz',
        quantity: 1,
        unitPrice: usd(1450),
        discount: usd(0),
        taxes: [{ name: 'Item tax', amount: usd(120) }],
      },
    ]);
  });

  test("sums the items' shipping into one taxed shipping line and reproduces OrderTotal 69.81", () => {
    const order = mapFixture('order-us-multi-line');

    expect(order.shipping).toEqual([
      {
        method: 'Std US D2D Dom',
        price: usd(499),
        discount: usd(0),
        taxes: [{ name: 'Shipping tax', amount: usd(41) }],
      },
    ]);
    expect(order.taxesIncluded).toBe(false);
    expect(order.totals).toEqual({
      lines: usd(6450),
      shipping: usd(499),
      discounts: usd(500),
      tax: usd(532),
      total: usd(6981),
    });
  });

  test('identifies the order by AmazonOrderId, the seller as the channel account, and Unshipped as received', () => {
    expect(mapFixture('order-us-multi-line')).toMatchObject({
      orderId: orderIdFor('amazon', '113-5829743-1234567'),
      channelOrderId: '113-5829743-1234567',
      channelAccount: 'A3TH9S8BH6GOGM',
      status: 'received',
      placedAt: '2025-03-14T14:26:53.000Z',
      channelUpdatedAt: '2025-03-14T14:57:12.000Z',
    });
  });
});

describe('mapAmazonOrder: marketplaces, SKUs and lifecycle', () => {
  test("keeps Amazon.de prices VAT-inclusive and nets the promotion's tax out of the line tax", () => {
    const order = mapFixture('order-de-vat-inclusive');
    const eur = (minor: number) => money(minor, 'EUR');

    expect(order.taxesIncluded).toBe(true);
    expect(order.lines[0]).toMatchObject({
      unitPrice: eur(5990),
      discount: eur(1000),
      taxes: [{ name: 'Item tax', amount: eur(796) }],
    });
    expect(order.lines[1]).toMatchObject({ quantity: 3, unitPrice: eur(1295) });
    expect(order.totals).toEqual({
      lines: eur(9875),
      shipping: eur(490),
      discounts: eur(1000),
      tax: eur(1494),
      total: eur(9365),
    });
  });

  test('resolves an item without SellerSKU through its ASIN, in whole yen, and maps Shipped', () => {
    const order = mapFixture('order-jp-shipped-asin-only');

    expect(order.status).toBe('shipped');
    expect(order.lines[0]).toMatchObject({
      sku: 'TEA-MATCHA-030',
      channelSku: 'variant:B07N4M94KL',
      quantity: 2,
      unitPrice: money(2400, 'JPY'),
    });
    expect(order.totals.total).toEqual(money(4800, 'JPY'));
  });

  test('maps Canceled to cancelled', () => {
    expect(mapFixture('order-us-canceled').status).toBe('cancelled');
  });

  test('holds an unknown SellerSKU in needs_attention', () => {
    const fixture = readAmazonFixture('order-us-multi-line');
    fixture.items[1].SellerSKU = 'NEW-SEASON-SKU';

    expect(map(fixture).status).toBe('needs_attention');
  });

  test('refuses an ItemPrice that does not divide by the quantity, naming the remainder', () => {
    const fixture = readAmazonFixture('order-us-multi-line');
    fixture.items[0].ItemPrice.Amount = '50.01';
    fixture.order.OrderTotal.Amount = '69.82';

    const error = thrownBy(OrderMappingError, () => map(fixture));

    expect(error.details).toEqual([
      {
        path: 'OrderItems.0.ItemPrice',
        message: '50.01 USD for 2 units leaves 0.01 that no equal unit price reproduces',
      },
    ]);
  });

  test('refuses an order without prices', () => {
    expect(() => mapFixture('order-us-pending')).toThrow('OrderTotal: a Pending order carries no prices');
  });

  test('refuses an order whose items do not reproduce OrderTotal, naming the difference', () => {
    const fixture = readAmazonFixture('order-us-multi-line');
    fixture.order.OrderTotal.Amount = '69.71';

    expect(thrownBy(OrderMappingError, () => map(fixture)).message).toBe(
      'OrderTotal 69.71 differs from the computed 69.81 by -0.10',
    );
  });
});
