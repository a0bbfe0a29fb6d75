import { createHash } from 'node:crypto';
import { formatDecimalMoney } from '#domain/kernel/money';
import type { SalesChannel } from '#domain/kernel/order';
import type { ChannelListing, Product } from '#domain/kernel/product';
import { effectivePrice, type EffectivePrice } from './model';
import type { PriceBook } from './order-check';

/**
 * Takes a price or promotion window to every channel listing the SKUs it touches and to every store.
 * Each channel gets the effective price (base, or promoted with the base as compare-at); each store
 * gets one POS price file with a row per SKU. Prices are absolute, so a repeat (a redelivered event)
 * pushes the same figures again and changes nothing.
 */

/** A channel's price endpoint for one listing. Throws ListingIncompleteError when the listing lacks an id the channel needs. */
export interface ChannelPriceApi {
  readonly channel: SalesChannel;
  setPrice(sku: string, listing: ChannelListing, price: EffectivePrice): Promise<void>;
}

export class ListingIncompleteError extends Error {
  override name = 'ListingIncompleteError';
}

/** A price a channel (or a store, through its price file) has taken, for the publication ledger. */
export interface PriceAcknowledgement {
  channel: SalesChannel;
  /** For `pos`: the store whose price file carries it. */
  storeId?: string;
  sku: string;
  windowKey: string;
  effectiveAt: string;
  acknowledgedAt: string;
  value: number;
}

export interface PriceDistributionPorts {
  prices: PriceBook;
  products: { products(skus: readonly string[]): Promise<Product[]> };
  channelApis: Partial<Record<SalesChannel, ChannelPriceApi>>;
  storeFiles: { write(key: string, csv: string): Promise<void> };
  acknowledge(ack: PriceAcknowledgement): Promise<void>;
  /** Store location ids (the inventory policy's locations of kind store). */
  stores: readonly string[];
  now(): Date;
}

export interface PriceWindow {
  skus: readonly string[];
  effectiveAt: string;
  windowKey: string;
}

export interface DistributionOutcome {
  pushed: { channel: SalesChannel; sku: string; amountMinor: number; lagMs: number }[];
  skipped: { channel: SalesChannel; sku: string; reason: string }[];
  storeFiles: string[];
}

/**
 * Pushes the window's SKUs to channels and stores. The price pushed is the one in force now (or at
 * the window's time, if the clock has not reached it), never an older one: a window redelivered after
 * a later change must not put a superseded price back. Throws on a channel API failure (the queue
 * retries the window, already-pushed channels get the same price again); listings a channel cannot
 * price for want of an id are skipped with the reason.
 */
export async function distributePriceWindow(
  window: PriceWindow,
  ports: PriceDistributionPorts,
): Promise<DistributionOutcome> {
  const now = ports.now();
  const at = new Date(Math.max(now.getTime(), Date.parse(window.effectiveAt)));
  const skus = [...new Set(window.skus)];
  const [entries, promotions, products] = await Promise.all([
    ports.prices.pricesFor(skus),
    ports.prices.promotionsFor(skus),
    ports.products.products(skus),
  ]);
  const outcome: DistributionOutcome = { pushed: [], skipped: [], storeFiles: [] };

  for (const product of products) {
    for (const listing of product.listings) {
      const api = ports.channelApis[listing.channel];
      if (!api) continue;
      const price = effectivePrice(product.sku, listing.channel, at, entries, promotions);
      if (!price) {
        outcome.skipped.push({ channel: listing.channel, sku: product.sku, reason: 'no price in force' });
        continue;
      }
      try {
        await api.setPrice(product.sku, listing, price);
      } catch (error) {
        if (!(error instanceof ListingIncompleteError)) throw error;
        outcome.skipped.push({ channel: listing.channel, sku: product.sku, reason: error.message });
        continue;
      }
      const acknowledgedAt = ports.now().toISOString();
      await ports.acknowledge({
        channel: listing.channel,
        sku: product.sku,
        windowKey: window.windowKey,
        effectiveAt: window.effectiveAt,
        acknowledgedAt,
        value: price.price.amountMinor,
      });
      outcome.pushed.push({
        channel: listing.channel,
        sku: product.sku,
        amountMinor: price.price.amountMinor,
        lagMs: Date.parse(acknowledgedAt) - Date.parse(window.effectiveAt),
      });
    }
  }

  const rows = skus
    .map((sku) => ({ sku, price: effectivePrice(sku, 'pos', at, entries, promotions) }))
    .filter((row): row is { sku: string; price: EffectivePrice } => row.price !== undefined);
  if (rows.length) {
    const csv = posPriceFile(
      rows.map((row) => row.price),
      window.effectiveAt,
    );
    for (const storeId of ports.stores) {
      const key = posPriceFileKey(storeId, window);
      await ports.storeFiles.write(key, csv);
      const acknowledgedAt = ports.now().toISOString();
      for (const row of rows) {
        await ports.acknowledge({
          channel: 'pos',
          storeId,
          sku: row.sku,
          windowKey: window.windowKey,
          effectiveAt: window.effectiveAt,
          acknowledgedAt,
          value: row.price.price.amountMinor,
        });
      }
      outcome.storeFiles.push(key);
    }
  }
  return outcome;
}

/** `posPrices/{storeId}/{effectiveAt}-{window}.csv`: sorted by effective time; one file per window, so two windows at one time do not overwrite each other. */
export function posPriceFileKey(storeId: string, window: Pick<PriceWindow, 'effectiveAt' | 'windowKey'>): string {
  const stamp = new Date(window.effectiveAt)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  return `posPrices/${storeId}/${stamp}-${createHash('sha256').update(window.windowKey).digest('hex').slice(0, 12)}.csv`;
}

const POS_PRICE_COLUMNS = 'sku,price,currency,regular_price,promotion_id,effective_at';

/** The store's price file: the price the till charges from `effective_at`, with the regular price beside a promotion. */
export function posPriceFile(prices: readonly EffectivePrice[], effectiveAt: string): string {
  const rows = prices.map((price) =>
    [
      price.sku,
      formatDecimalMoney(price.price),
      price.price.currency,
      formatDecimalMoney({ amountMinor: price.base.amountMinor, currency: price.base.currency }),
      price.promotion?.promotionId ?? '',
      effectiveAt,
    ]
      .map(csvField)
      .join(','),
  );
  return `${[POS_PRICE_COLUMNS, ...rows].join('\n')}\n`;
}

function csvField(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
