import { randomUUID } from 'node:crypto';
import { signBase64HmacSha256 } from '#shared/channels/webhook-signature';
import type { StubChannelOrder } from '../channel-stubs/outbound-channel-stub';

/** The catalogue the sample shop sells: Shopify SKU -> internal SKU, seeded into the cross-reference. */
export const SAMPLE_CATALOG = [
  {
    channelSku: 'TSHIRT-RED-M',
    sku: 'APP-TSHIRT-001-RED-M',
    title: 'Organic Tee - Red / M',
    price: '24.00',
    variantId: 40000000000001,
  },
  {
    channelSku: 'TSHIRT-BLK-L',
    sku: 'APP-TSHIRT-001-BLK-L',
    title: 'Organic Tee - Black / L',
    price: '24.00',
    variantId: 40000000000002,
  },
  {
    channelSku: 'MUG-WHITE',
    sku: 'HOME-MUG-010-WHT',
    title: 'Stoneware Mug - White',
    price: '12.50',
    variantId: 40000000000003,
  },
  {
    channelSku: 'CAP-NAVY',
    sku: 'ACC-CAP-004-NVY',
    title: 'Cotton Cap - Navy',
    price: '18.00',
    variantId: 40000000000004,
  },
  {
    channelSku: 'TOTE-NAT',
    sku: 'ACC-TOTE-002-NAT',
    title: 'Canvas Tote - Natural',
    price: '15.00',
    variantId: 40000000000005,
  },
] as const;

/** A product the sample shop sells; the simulator passes its own catalogue of these. */
export interface ShopifySampleItem {
  channelSku: string;
  title: string;
  price: string;
  variantId: number;
}

const CUSTOMERS = [
  { first: 'Ada', last: 'Lovelace', city: 'Portland', province: 'OR', zip: '97205', street: '1200 SW Main St' },
  { first: 'Grace', last: 'Hopper', city: 'Arlington', province: 'VA', zip: '22201', street: '400 N Glebe Rd' },
  { first: 'Alan', last: 'Turing', city: 'Austin', province: 'TX', zip: '78701', street: '500 Congress Ave' },
];

/** A deterministic pseudo-random source, so a seed reproduces the same orders. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 0x100000000;
  };
}

/** Ten line ids per order number, as before; a larger order's lines go far above any of those. */
const lineItemId = (orderNumber: number, i: number) =>
  i < 10 ? 14_000_000_000_000 + orderNumber * 10 + i : 15_000_000_000_000 + orderNumber * 10_000 + i;

const cents = (decimal: string) => Math.round(Number(decimal) * 100);
const decimal = (minor: number) => (minor / 100).toFixed(2);

/**
 * A Shopify orders/create payload shaped like the real webhook (REST Admin API order resource):
 * string money, whole-line tax_lines, discount allocations, tax on shipping, gid ids. Its total_price
 * balances, as Shopify's does. One to three lines unless `lineCount` asks for a wholesale-sized order.
 */
export function sampleShopifyOrder(
  orderNumber: number,
  random: () => number = Math.random,
  catalog: readonly ShopifySampleItem[] = SAMPLE_CATALOG,
  lineCount = 1 + Math.floor(random() * 3),
): Record<string, unknown> {
  const id = 5_600_000_000_000 + orderNumber;
  const customer = CUSTOMERS[orderNumber % CUSTOMERS.length];
  const taxRate = 0.0825;
  const lines = Array.from({ length: lineCount }, (_, i) => {
    const item = catalog[Math.floor(random() * catalog.length)];
    const quantity = 1 + Math.floor(random() * 3);
    const gross = cents(item.price) * quantity;
    const discount = i === 0 && orderNumber % 4 === 0 ? Math.round(gross * 0.1) : 0;
    const tax = Math.round((gross - discount) * taxRate);
    return {
      id: lineItemId(orderNumber, i),
      admin_graphql_api_id: `gid://shopify/LineItem/${lineItemId(orderNumber, i)}`,
      variant_id: item.variantId,
      sku: item.channelSku,
      title: item.title,
      quantity,
      price: item.price,
      discount_allocations: discount ? [{ amount: decimal(discount), discount_application_index: 0 }] : [],
      tax_lines: [{ title: 'TX State Tax', price: decimal(tax), rate: taxRate }],
      _gross: gross,
      _discount: discount,
      _tax: tax,
    };
  });
  const shipping = 595;
  const shippingTax = Math.round(shipping * taxRate);
  const subtotal = lines.reduce((sum, l) => sum + l._gross - l._discount, 0);
  const tax = lines.reduce((sum, l) => sum + l._tax, 0) + shippingTax;
  const now = new Date().toISOString();
  const address = {
    name: `${customer.first} ${customer.last}`,
    address1: customer.street,
    city: customer.city,
    province_code: customer.province,
    zip: customer.zip,
    country_code: 'US',
  };
  return {
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    name: `#${1000 + orderNumber}`,
    email: `${customer.first.toLowerCase()}@example.com`,
    created_at: now,
    updated_at: now,
    cancelled_at: null,
    currency: 'USD',
    taxes_included: false,
    financial_status: 'paid',
    subtotal_price: decimal(subtotal),
    total_tax: decimal(tax),
    total_price: decimal(subtotal + shipping + tax),
    customer: { first_name: customer.first, last_name: customer.last },
    line_items: lines.map(({ _gross, _discount, _tax, ...line }) => line),
    shipping_lines: [
      {
        title: 'Standard',
        price: decimal(shipping),
        discount_allocations: [],
        tax_lines: [{ title: 'TX State Tax', price: decimal(shippingTax), rate: taxRate }],
      },
    ],
    billing_address: address,
    shipping_address: address,
  };
}

/**
 * A sample Shopify or WooCommerce order's lines as the channel's own API knows them (the stub's
 * fulfilment endpoints); both payloads carry them as `line_items` with an id and a quantity.
 */
export function channelOrderLines(order: Record<string, unknown>): StubChannelOrder {
  return {
    lines: (order.line_items as { id: number; quantity: number }[]).map((line) => ({
      lineId: String(line.id),
      quantity: line.quantity,
    })),
  };
}

/** Headers of a real Shopify delivery, signed with the shop's webhook secret. */
export function shopifyDeliveryHeaders(
  body: string,
  secret: string,
  topic = 'orders/create',
  eventId: string = randomUUID(),
): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-shopify-topic': topic,
    'x-shopify-hmac-sha256': signBase64HmacSha256(body, secret),
    'x-shopify-shop-domain': 'fabric-demo.myshopify.com',
    'x-shopify-api-version': '2025-10',
    'x-shopify-webhook-id': randomUUID(),
    'x-shopify-event-id': eventId,
    'x-shopify-triggered-at': new Date().toISOString(),
  };
}
