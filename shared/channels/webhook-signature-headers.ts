import type { SalesChannel } from '#domain/kernel/order';
import { WALMART_SIGNATURE_HEADER } from './walmart/walmart-webhook.adapter';

export const SHOPIFY_SIGNATURE_HEADER = 'x-shopify-hmac-sha256';
export const SQUARE_SIGNATURE_HEADER = 'x-square-hmacsha256-signature';
export const EBAY_SIGNATURE_HEADER = 'x-ebay-signature';

/**
 * The header each channel signs its webhook POSTs in, lower-case. A POST without it cannot be the
 * channel's, so the edge (AWS WAF) drops it before it spends the route throttle the channel relies on.
 * WooCommerce is absent: it pings a new webhook unsigned, by design, and must get through.
 */
export const WEBHOOK_SIGNATURE_HEADERS: Partial<Record<SalesChannel, string>> = {
  shopify: SHOPIFY_SIGNATURE_HEADER,
  square: SQUARE_SIGNATURE_HEADER,
  ebay: EBAY_SIGNATURE_HEADER,
  walmart: WALMART_SIGNATURE_HEADER,
};
