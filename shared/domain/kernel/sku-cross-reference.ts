import type { SalesChannel } from './order';

/** A channel SKU as the channel names it: its SKU string, and a variant or listing id as fallback. */
export interface ChannelSkuKey {
  channelSku: string;
  variantId?: string;
}

/** Internal SKUs for the channel keys that the cross-reference knows; absent keys are unknown SKUs. */
export type SkuLookup = (key: ChannelSkuKey) => string | undefined;

/** Resolves channel SKUs to internal SKUs in one round trip; unknown keys are absent from the map. */
export interface SkuCrossReference {
  resolveSkus(channel: SalesChannel, keys: readonly ChannelSkuKey[]): Promise<Map<string, string>>;
}

/** The cross-reference key for a channel SKU: the SKU string, or the variant id when the SKU is empty. */
export function skuKeyId(key: ChannelSkuKey): string {
  return key.channelSku ? `sku:${key.channelSku}` : `variant:${key.variantId ?? ''}`;
}
