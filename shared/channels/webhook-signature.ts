import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Checks a base64 HMAC-SHA256 signature over exact bytes (Shopify, WooCommerce, Square each sign
 * this way, over slightly different bytes). Constant time over the decoded digest; a missing or
 * malformed header is simply false.
 */
export function hasValidBase64HmacSha256(signedBytes: Buffer, secret: string, signature: string | undefined): boolean {
  if (!signature) return false;
  const expected = createHmac('sha256', secret).update(signedBytes).digest();
  const received = Buffer.from(signature, 'base64');
  return received.length === expected.length && timingSafeEqual(received, expected);
}

/** Signs bytes the same way; used by the sample traffic, the simulator and tests to send real deliveries. */
export function signBase64HmacSha256(signedBytes: Buffer | string, secret: string): string {
  return createHmac('sha256', secret).update(signedBytes).digest('base64');
}
