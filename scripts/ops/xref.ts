import { DynamoSkuCrossReference } from '#shared/adapters/cross-reference';
import { skuKeyId } from '#domain/kernel/sku-cross-reference';
import type { LocalResources } from '../local-fabric/provision';
import { reprocessAfterMapping } from './exceptions';
import { parseCommand } from './command-line';
import { opsCommands } from './commands';

/**
 * `xref map-sku shopify TSHIRT-RED-M APP-TSHIRT-001-RED-M` (or `variant:40000000000001` for an empty
 * channel SKU), then every held order that waited for it is mapped again from the archive; safe to repeat.
 */
export async function mapSku(resources: LocalResources, argv: string[]): Promise<void> {
  const {
    args: [channel, channelKey, sku],
  } = parseCommand(opsCommands.xrefMapSku, argv);
  const key = channelKey.startsWith('variant:')
    ? { channelSku: '', variantId: channelKey.slice('variant:'.length) }
    : { channelSku: channelKey };
  await new DynamoSkuCrossReference(resources.tables.crossReference).mapSku(channel, key, sku);
  console.log(`${channel} ${channelKey} -> ${sku}`);
  await reprocessAfterMapping(resources, channel, skuKeyId(key), sku);
}

export async function listSkus(resources: LocalResources, argv: string[]): Promise<void> {
  const {
    args: [channel],
  } = parseCommand(opsCommands.xrefList, argv);
  const mappings = await new DynamoSkuCrossReference(resources.tables.crossReference).listSkus(channel);
  if (mappings.length === 0) console.log(`no SKU mappings for ${channel}`);
  for (const mapping of mappings) console.log(`${mapping.key.padEnd(40)} -> ${mapping.sku}`);
}
