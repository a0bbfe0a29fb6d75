import { OrderMappingError } from '#domain/intake/channel-ports';
import { mapAmazonOrder } from '#shared/channels/amazon/amazon-order.mapper';
import { AmazonOrder, AmazonOrderItem } from '#shared/channels/amazon/amazon-order.schema';
import { mapEbayOrder } from '#shared/channels/ebay/ebay-order.mapper';
import { EbayOrder } from '#shared/channels/ebay/ebay-order.schema';
import { ShopifyOrderPayload } from '#shared/channels/shopify/shopify-order.schema';
import { mapShopifyOrder } from '#shared/channels/shopify/shopify-webhook.adapter';
import { mapSquareOrder } from '#shared/channels/square/square-order.mapper';
import { SquareOrder } from '#shared/channels/square/square-order.schema';
import { mapWalmartOrder } from '#shared/channels/walmart/walmart-order.mapper';
import { WalmartOrder } from '#shared/channels/walmart/walmart-order.schema';
import { WooCommerceOrderPayload } from '#shared/channels/woocommerce/woocommerce-order.schema';
import { mapWooCommerceOrder } from '#shared/channels/woocommerce/woocommerce-webhook.adapter';
import type { Order } from '#domain/kernel/order';
import { CurrencyCode, Money, formatDecimalMoney, isIsoCurrency, parseDecimalMoney } from '#domain/kernel/money';
import { amazonFixtureSkus, readAmazonFixture } from '../../fixtures/amazon';
import { ebayFixtureSkus, readEbayFixture } from '../../fixtures/ebay';
import { readShopifyFixture } from '../../fixtures/shopify';
import { readSquareFixture, squareFixtureSkus } from '../../fixtures/square';
import { readWalmartFixture, walmartFixtureSkus } from '../../fixtures/walmart';
import { readWooCommerceFixture, wooCommerceFixtureSkus } from '../../fixtures/woocommerce';
import { fixtureSkuLookup, thrownBy } from '../builders';
import { lookupFrom } from '../support/fake-intake';

/*
 * Money sanity, the same six cases on every channel mapper: a negative price, quantity or total and a
 * currency outside ISO 4217 are mapping errors naming the channel's field (the order is then held as
 * needs attention), and amounts are read in the currency's own minor unit (KWD to the fils, JPY whole).
 * Each case starts from the channel's USD multi-line fixture and changes one thing.
 */

type Path = readonly (string | number)[];
type Payload = Record<string, any>;

interface ChannelCase {
  channel: string;
  read(): Payload;
  map(payload: Payload): Order;
  /** How the channel states amounts: decimal strings, JSON numbers, or integer minor units (Square). */
  amounts: 'decimal' | 'number' | 'minor';
  /** The first line's price field(s) that move together, and whether that price is per unit or for the line. */
  price: { paths: readonly Path[]; per: 'unit' | 'line'; issue: string };
  quantity: { path: Path; asString: boolean; issue: string };
  total: { path: Path; issue: string };
  currencyIssue: string;
}

const channels: ChannelCase[] = [
  {
    channel: 'amazon',
    read: () => readAmazonFixture('order-us-multi-line'),
    map: (p) =>
      mapAmazonOrder(
        { order: AmazonOrder.parse(p.order), items: p.items.map((item: unknown) => AmazonOrderItem.parse(item)) },
        lookupFrom(amazonFixtureSkus),
      ),
    amounts: 'decimal',
    price: { paths: [['items', 0, 'ItemPrice', 'Amount']], per: 'line', issue: 'OrderItems.0.ItemPrice' },
    quantity: { path: ['items', 0, 'QuantityOrdered'], asString: false, issue: 'OrderItems.0.QuantityOrdered' },
    total: { path: ['order', 'OrderTotal', 'Amount'], issue: 'OrderTotal' },
    currencyIssue: 'OrderTotal.CurrencyCode',
  },
  {
    channel: 'ebay',
    read: () => readEbayFixture('order-us-multi-line'),
    map: (p) => mapEbayOrder(EbayOrder.parse(p), lookupFrom(ebayFixtureSkus)),
    amounts: 'decimal',
    price: { paths: [['lineItems', 0, 'lineItemCost', 'value']], per: 'line', issue: 'lineItems.0.lineItemCost' },
    quantity: { path: ['lineItems', 0, 'quantity'], asString: false, issue: 'lineItems.0.quantity' },
    total: { path: ['pricingSummary', 'total', 'value'], issue: 'pricingSummary.total' },
    currencyIssue: 'pricingSummary.total.currency',
  },
  {
    channel: 'shopify',
    read: () => readShopifyFixture('orders-create-multi-line') as Payload,
    map: (p) => mapShopifyOrder(ShopifyOrderPayload.parse(p), fixtureSkuLookup),
    amounts: 'decimal',
    price: { paths: [['line_items', 0, 'price']], per: 'unit', issue: 'line_items.0.price' },
    quantity: { path: ['line_items', 0, 'quantity'], asString: false, issue: 'line_items.0.quantity' },
    total: { path: ['total_price'], issue: 'total_price' },
    currencyIssue: 'currency',
  },
  {
    channel: 'square',
    read: () => readSquareFixture('retrieve-order-online-multi-line-usd').order,
    map: (p) => mapSquareOrder(SquareOrder.parse(p), lookupFrom(squareFixtureSkus)),
    amounts: 'minor',
    price: {
      paths: [['line_items', 0, 'gross_sales_money', 'amount']],
      per: 'line',
      issue: 'line_items.0.gross_sales_money',
    },
    quantity: { path: ['line_items', 0, 'quantity'], asString: true, issue: 'line_items.0.quantity' },
    total: { path: ['total_money', 'amount'], issue: 'total_money' },
    currencyIssue: 'total_money.currency',
  },
  {
    channel: 'walmart',
    read: () => readWalmartFixture('get-order-multi-line-usd').order,
    map: (p) => mapWalmartOrder(WalmartOrder.parse(p), lookupFrom(walmartFixtureSkus)),
    amounts: 'number',
    // Walmart states discounts as negative PRODUCT charges: a negative price is charges netting below zero.
    price: {
      paths: [['orderLines', 'orderLine', 0, 'charges', 'charge', 0, 'chargeAmount', 'amount']],
      per: 'line',
      issue: 'orderLines.orderLine.0.charges',
    },
    quantity: {
      path: ['orderLines', 'orderLine', 0, 'orderLineQuantity', 'amount'],
      asString: true,
      issue: 'orderLines.orderLine.0.orderLineQuantity.amount',
    },
    total: { path: ['orderSummary', 'totalAmount', 'currencyAmount'], issue: 'orderSummary.totalAmount' },
    currencyIssue: 'orderSummary.totalAmount.currencyUnit',
  },
  {
    channel: 'woocommerce',
    read: () => readWooCommerceFixture('order-multi-line-usd') as Payload,
    map: (p) => mapWooCommerceOrder(WooCommerceOrderPayload.parse(p), lookupFrom(wooCommerceFixtureSkus)),
    amounts: 'decimal',
    // subtotal is the line before discounts and total after: both move, so the discount stays as it was.
    price: {
      paths: [
        ['line_items', 0, 'subtotal'],
        ['line_items', 0, 'total'],
      ],
      per: 'line',
      issue: 'line_items.0.subtotal',
    },
    quantity: { path: ['line_items', 0, 'quantity'], asString: false, issue: 'line_items.0.quantity' },
    total: { path: ['total'], issue: 'total' },
    currencyIssue: 'currency',
  },
];

function get(payload: Payload, path: Path): any {
  return path.reduce((node, key) => node[key], payload);
}

function set(payload: Payload, path: Path, value: unknown): void {
  get(payload, path.slice(0, -1))[path[path.length - 1]] = value;
}

/** Every currency code in the payload replaced, so its amounts are read in the new currency's minor unit. */
function inCurrency(payload: Payload, currency: string): Payload {
  return JSON.parse(JSON.stringify(payload).replaceAll('"USD"', `"${currency}"`)) as Payload;
}

/** Adds minor units to an amount as the channel writes it, exactly. */
function plusMinor(
  value: string | number,
  minor: number,
  currency: string,
  amounts: ChannelCase['amounts'],
): string | number {
  if (amounts === 'minor') return (value as number) + minor;
  const sum = formatDecimalMoney({ amountMinor: parseDecimalMoney(value, currency).amountMinor + minor, currency });
  return amounts === 'number' ? Number(sum) : sum;
}

function negated(value: string | number): string | number {
  return typeof value === 'number' ? -value : `-${value}`;
}

function issuesOf(act: () => unknown) {
  return thrownBy(OrderMappingError, act).details;
}

describe.each(channels)('money sanity on $channel orders', (c) => {
  test('a negative price is a mapping error naming the price field', () => {
    const payload = c.read();
    set(payload, c.price.paths[0], negated(get(payload, c.price.paths[0])));

    expect(issuesOf(() => c.map(payload))).toEqual([expect.objectContaining({ path: c.price.issue })]);
  });

  test('a negative quantity is a mapping error naming the quantity field', () => {
    const payload = c.read();
    const quantity = Number(get(payload, c.quantity.path));
    set(payload, c.quantity.path, c.quantity.asString ? String(-quantity) : -quantity);

    expect(issuesOf(() => c.map(payload))).toEqual([expect.objectContaining({ path: c.quantity.issue })]);
  });

  test('a negative order total is a mapping error naming the total, not a total mismatch', () => {
    const payload = c.read();
    set(payload, c.total.path, negated(get(payload, c.total.path)));

    expect(issuesOf(() => c.map(payload))).toEqual([
      { path: c.total.issue, message: expect.stringContaining('is negative') },
    ]);
  });

  test('the currency "ZZZ" is a mapping error naming the currency field', () => {
    const payload = inCurrency(c.read(), 'ZZZ');

    expect(issuesOf(() => c.map(payload))).toEqual([
      { path: c.currencyIssue, message: '"ZZZ" is not an ISO 4217 currency' },
    ]);
  });

  test('a KWD order is read in fils: a unit price one fils up moves the total by a fils per unit', () => {
    const usd = c.map(c.read());
    const payload = inCurrency(c.read(), 'KWD');
    const added = Number(get(payload, c.quantity.path));
    const step = c.price.per === 'unit' ? 1 : added;
    for (const path of c.price.paths) set(payload, path, plusMinor(get(payload, path), step, 'KWD', c.amounts));
    set(payload, c.total.path, plusMinor(get(payload, c.total.path), added, 'KWD', c.amounts));

    const order = c.map(payload);

    // A decimal channel's "24.99" is 24990 fils; Square already counts in the smallest unit.
    const scale = c.amounts === 'minor' ? 1 : 10;
    expect(order.currency).toBe('KWD');
    expect(order.totals.total).toEqual({ amountMinor: usd.totals.total.amountMinor * scale + added, currency: 'KWD' });
    expect(order.lines[0].unitPrice.amountMinor * order.lines[0].quantity).toBe(
      usd.lines[0].unitPrice.amountMinor * usd.lines[0].quantity * scale + added,
    );
    expect(formatDecimalMoney(order.totals.total)).toMatch(/^\d+\.\d{3}$/);
  });

  test('a JPY order is read in whole yen', () => {
    const payload = inCurrency(c.read(), 'JPY');

    if (c.amounts === 'minor') {
      // Square's integer amounts are already yen.
      expect(c.map(payload).totals.total).toEqual({
        amountMinor: c.map(c.read()).totals.total.amountMinor,
        currency: 'JPY',
      });
    } else {
      // The fixture's cents have no place in yen: refused with the field named, never rounded.
      expect(issuesOf(() => c.map(payload))[0].message).toMatch(/more than 0 decimals for JPY/);
    }
  });
});

describe('isIsoCurrency', () => {
  test('knows the currencies buyers pay in, with their odd minor units, and nothing invented', () => {
    expect(['USD', 'EUR', 'GBP', 'JPY', 'KWD', 'BHD', 'CLF', 'XOF'].filter(isIsoCurrency)).toHaveLength(8);
    expect(['ZZZ', 'XXX', 'XTS', 'XAU', 'usd', 'US'].some(isIsoCurrency)).toBe(false);
  });
});

describe('CurrencyCode', () => {
  test('refuses an invented code wherever money is parsed, beyond the mappers (POS, pricing, events)', () => {
    expect(Money.safeParse({ amountMinor: 100, currency: 'ZZZ' }).error?.issues.map((issue) => issue.message)).toEqual([
      'is not an ISO 4217 currency',
    ]);
    expect(CurrencyCode.safeParse('usd').error?.issues.map((issue) => issue.message)).toEqual([
      'must be an ISO 4217 code such as USD',
    ]);
    expect(CurrencyCode.parse('KWD')).toBe('KWD');
  });
});
