import { randomBytes } from 'node:crypto';
import { signBase64HmacSha256 } from '#shared/channels/webhook-signature';

/** The sample WooCommerce store's catalogue: its SKU -> internal SKU, seeded into the cross-reference. */
export const WOOCOMMERCE_SAMPLE_CATALOG = [
  {
    channelSku: 'WC-TEE-RED-M',
    sku: 'APP-TSHIRT-001-RED-M',
    title: 'Organic Tee - Red, M',
    price: '24.00',
    productId: 201,
    variationId: 205,
  },
  {
    channelSku: 'WC-MUG-WHITE',
    sku: 'HOME-MUG-010-WHT',
    title: 'Stoneware Mug - White',
    price: '12.50',
    productId: 230,
    variationId: 0,
  },
] as const;

const STORE = 'https://shop.example.com/';
const cents = (decimal: string) => Math.round(Number(decimal) * 100);
const decimal = (minor: number) => (minor / 100).toFixed(2);

/**
 * A WooCommerce order as the order.created webhook delivers it (REST API v3 order resource): decimal
 * strings, tax-exclusive line subtotals and totals, tax shares per rate id, GMT timestamps without an
 * offset. Its `total` balances, as WooCommerce's does.
 */
export function sampleWooCommerceOrder(
  orderNumber: number,
  modifiedAt: Date = new Date(),
  catalog: readonly {
    channelSku: string;
    title: string;
    price: string;
    productId: number;
    variationId: number;
  }[] = WOOCOMMERCE_SAMPLE_CATALOG,
): Record<string, unknown> {
  const rate = 0.0825;
  const lines = catalog.map((item, i) => {
    const quantity = 1 + ((orderNumber + i) % 3);
    const subtotal = cents(item.price) * quantity;
    const tax = Math.round(subtotal * rate);
    return {
      id: orderNumber * 10 + i,
      name: item.title,
      product_id: item.productId,
      variation_id: item.variationId,
      quantity,
      tax_class: '',
      subtotal: decimal(subtotal),
      subtotal_tax: decimal(tax),
      total: decimal(subtotal),
      total_tax: decimal(tax),
      taxes: [{ id: 1, total: decimal(tax), subtotal: decimal(tax) }],
      meta_data: [],
      sku: item.channelSku,
      price: subtotal / quantity / 100,
    };
  });
  const shipping = 750;
  const shippingTax = Math.round(shipping * rate);
  const net = lines.reduce((sum, line) => sum + cents(line.total), 0);
  const tax = lines.reduce((sum, line) => sum + cents(line.total_tax), 0);
  const gmt = (at: Date) => at.toISOString().slice(0, 19);
  const address = {
    first_name: 'Ada',
    last_name: 'Lovelace',
    company: '',
    address_1: '1200 SW Main St',
    address_2: '',
    city: 'Portland',
    state: 'OR',
    postcode: '97205',
    country: 'US',
  };
  return {
    id: orderNumber,
    parent_id: 0,
    number: String(orderNumber),
    status: 'processing',
    currency: 'USD',
    version: '9.4.2',
    prices_include_tax: false,
    date_created: gmt(modifiedAt),
    date_created_gmt: gmt(modifiedAt),
    date_modified: gmt(modifiedAt),
    date_modified_gmt: gmt(modifiedAt),
    discount_total: '0.00',
    discount_tax: '0.00',
    shipping_total: decimal(shipping),
    shipping_tax: decimal(shippingTax),
    cart_tax: decimal(tax),
    total: decimal(net + tax + shipping + shippingTax),
    total_tax: decimal(tax + shippingTax),
    customer_id: 0,
    billing: { ...address, email: 'ada@example.com', phone: '' },
    shipping: { ...address, phone: '' },
    payment_method: 'stripe',
    payment_method_title: 'Credit Card (Stripe)',
    created_via: 'checkout',
    line_items: lines,
    tax_lines: [
      {
        id: 99,
        rate_code: 'US-OR-SALES-1',
        rate_id: 1,
        label: 'Sales Tax',
        compound: false,
        tax_total: decimal(tax),
        shipping_tax_total: decimal(shippingTax),
        rate_percent: 8.25,
      },
    ],
    shipping_lines: [
      {
        id: orderNumber * 10 + 9,
        method_title: 'Flat rate',
        method_id: 'flat_rate',
        total: decimal(shipping),
        total_tax: decimal(shippingTax),
        taxes: [{ id: 1, total: decimal(shippingTax), subtotal: '' }],
      },
    ],
    fee_lines: [],
    coupon_lines: [],
    refunds: [],
  };
}

/** Headers of a real WooCommerce delivery; X-WC-Webhook-Delivery-ID is fresh on every attempt, as WooCommerce makes it. */
export function wooCommerceDeliveryHeaders(
  body: string,
  secret: string,
  topic = 'order.created',
  source = STORE,
): Record<string, string> {
  const [resource, event] = topic.split('.');
  return {
    'content-type': 'application/json',
    'user-agent': 'WooCommerce/9.4.2 Hookshot (WordPress/6.7.1)',
    'x-wc-webhook-source': source,
    'x-wc-webhook-topic': topic,
    'x-wc-webhook-resource': resource,
    'x-wc-webhook-event': event,
    'x-wc-webhook-signature': signBase64HmacSha256(body, secret),
    'x-wc-webhook-id': '14',
    'x-wc-webhook-delivery-id': randomBytes(16).toString('hex'),
  };
}
