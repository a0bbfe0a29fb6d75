import { DynamoSkuCrossReference } from '#shared/adapters/cross-reference';
import { mapChannelSku } from '#shared/operations/exceptions';
import type { LocalResources } from '../local-fabric/provision';
import { fixPorts, operator } from './exceptions';
import { parseCommand } from './command-line';
import { opsCommands } from './commands';

/**
 * `xref map-sku shopify TSHIRT-RED-M APP-TSHIRT-001-RED-M` (or `variant:40000000000001` for an empty
 * channel SKU), then every held order that waited for it is mapped again from the archive; safe to repeat.
 */
export async function mapSku(resources: LocalResources, argv: string[]): Promise<void> {
  const {
    args: [channel, channelSku, sku],
  } = parseCommand(opsCommands.xrefMapSku, argv);
  const outcome = await mapChannelSku(
    { skus: new DynamoSkuCrossReference(resources.tables.crossReference), fixes: fixPorts(resources) },
    { channel, channelSku, sku },
    operator(`${channel} ${channelSku} mapped to ${sku}`),
  );
  console.log(`${channel} ${channelSku} -> ${sku}`);
  for (const { id, outcome: what } of outcome.reprocessed) console.log(`  reprocessed ${id}: ${what}`);
  for (const { id } of outcome.left)
    console.log(`  still open  ${id}: apply it by hand (npm run ops -- exceptions show ${id})`);
}

export async function listSkus(resources: LocalResources, argv: string[]): Promise<void> {
  const {
    args: [channel],
  } = parseCommand(opsCommands.xrefList, argv);
  const mappings = await new DynamoSkuCrossReference(resources.tables.crossReference).listSkus(channel);
  if (mappings.length === 0) console.log(`no SKU mappings for ${channel}`);
  for (const mapping of mappings) console.log(`${mapping.key.padEnd(40)} -> ${mapping.sku}`);
}
