import { DynamoSkuCrossReference } from '../../shared/adapters/cross-reference';
import { SalesChannel } from '../../shared/domain/order';
import type { LocalResources } from '../local-fabric/provision';

function channelArgument(value: string | undefined): SalesChannel {
  const channel = SalesChannel.safeParse(value);
  if (!channel.success) throw new Error(`channel must be one of ${SalesChannel.options.join(', ')}; got "${value ?? ''}"`);
  return channel.data;
}

/** `xref map-sku shopify TSHIRT-RED-M APP-TSHIRT-001-RED-M` (or `variant:40000000000001` for an empty channel SKU). */
export async function mapSku(resources: LocalResources, [channel, channelKey, sku]: string[]): Promise<void> {
  if (!channelKey || !sku) throw new Error('usage: xref map-sku <channel> <channelSku | variant:ID> <sku>');
  const key = channelKey.startsWith('variant:') ? { channelSku: '', variantId: channelKey.slice('variant:'.length) } : { channelSku: channelKey };
  await new DynamoSkuCrossReference(resources.tables.crossReference).mapSku(channelArgument(channel), key, sku);
  console.log(`${channel} ${channelKey} -> ${sku}`);
}

export async function listSkus(resources: LocalResources, [channel]: string[]): Promise<void> {
  const mappings = await new DynamoSkuCrossReference(resources.tables.crossReference).listSkus(channelArgument(channel));
  if (mappings.length === 0) console.log(`no SKU mappings for ${channel}`);
  for (const mapping of mappings) console.log(`${mapping.key.padEnd(40)} -> ${mapping.sku}`);
}
