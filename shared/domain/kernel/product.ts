import * as z from '#domain/kernel/schema';
import { SalesChannel } from './order';

/** A SKU or location id: it becomes part of DynamoDB keys, where `#` separates parts. */
export const StockKey = z
  .string()
  .check(z.minLength(1), z.maxLength(120), z.regex(/^[^#\s]+$/, 'must not contain # or whitespace'));

/**
 * The item master as the fabric keeps it: the internal SKU, its GTIN, and where the product is listed
 * on each channel (the channel's SKU, listing or offer id, variant id). The owner system sends it; the
 * fabric stores it in the cross-reference, where order mapping and price distribution read it.
 */

/** GTIN-8, -12 (UPC), -13 (EAN) or -14, digits only; the check digit is verified. */
export const Gtin = z
  .string()
  .check(
    z.regex(/^(\d{8}|\d{12,14})$/, 'must be 8, 12, 13 or 14 digits'),
    z.refine(validGtinCheckDigit, 'has a wrong check digit'),
  );

export const ChannelListing = z
  .object({
    channel: SalesChannel,
    /** The SKU the channel shows; orders from the channel that carry it map to the internal SKU. */
    channelSku: z.optional(z.string().check(z.minLength(1), z.maxLength(120))),
    /** The channel's product or listing id (Shopify product GID, WooCommerce product id, eBay offer id). */
    listingId: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
    /** The channel's variant id (Shopify variant GID, WooCommerce variation id). */
    variantId: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  })
  .check(
    z.refine((listing) => listing.channelSku || listing.listingId || listing.variantId, {
      message: 'needs channelSku, listingId or variantId',
    }),
  );
export type ChannelListing = z.infer<typeof ChannelListing>;

export const Product = z
  .object({
    sku: StockKey,
    gtin: z.optional(Gtin),
    title: z.string().check(z.minLength(1), z.maxLength(500)),
    /** Collections or categories, as the owner names them. */
    collections: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(120))).check(z.maxLength(50))),
    listings: z._default(z.array(ChannelListing).check(z.maxLength(20)), []),
  })
  .check(
    z.refine(
      (product) => new Set(product.listings.map((listing) => listing.channel)).size === product.listings.length,
      {
        path: ['listings'],
        message: 'lists a channel twice',
      },
    ),
  );
export type Product = z.infer<typeof Product>;

/** The product a channel lists, by channel, for a SKU. */
export function listingOn(product: Pick<Product, 'listings'>, channel: SalesChannel): ChannelListing | undefined {
  return product.listings.find((listing) => listing.channel === channel);
}

function validGtinCheckDigit(gtin: string): boolean {
  const digits = [...gtin].map(Number);
  const check = digits.at(-1);
  // From the right, excluding the check digit: weights 3, 1, 3, 1...
  const sum = digits
    .slice(0, -1)
    .reverse()
    .reduce((total, digit, i) => total + digit * (i % 2 === 0 ? 3 : 1), 0);
  return (10 - (sum % 10)) % 10 === check;
}
