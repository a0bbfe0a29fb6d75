import type { FunctionDefinition } from '#shared/config/topology';
import { SalesChannel } from '#domain/kernel/order';
import { ERP_CREDENTIALS_SECRET_NAME } from '#shared/erp/erp-config';
import { SHIPBOB_CREDENTIALS_SECRET_NAME } from '#shared/fulfilment-providers/shipbob';
import { loadInventoryPolicy } from '#domain/inventory';
import { regionalFunctions } from './regional-functions';

/**
 * A Secrets Manager secret a function reads at run time. Stacks never create these: their values come
 * from the channel or the ERP and must not pass through a template (docs/deploy.md, "Secrets").
 */
export type FabricSecret =
  | { kind: 'webhook'; channel: SalesChannel; name: string }
  | { kind: 'channel-api'; channel: SalesChannel; name: string }
  | { kind: 'erp'; name: string }
  | { kind: '3pl'; name: string };

/** The channel's webhook signing secret (or eBay's verification token): plain text. */
export function webhookSecretName(channel: SalesChannel): string {
  return `fabric/webhooks/${channel}`;
}

/** The channel API's credentials: JSON, with the fields that channel's client reads. */
export function channelApiCredentialsName(channel: SalesChannel): string {
  return `fabric/channel-api/${channel}`;
}

/**
 * The secrets a function reads, as its (regional) definition declares them, in declaration order. The
 * capability stacks grant exactly these, so this is also the list the pre-deploy check works from.
 * Throws on a channel name the fabric does not know.
 */
export function secretsReadBy(definition: FunctionDefinition): FabricSecret[] {
  return [
    ...(definition.channelSecrets ?? []).map((value): FabricSecret => {
      const channel = SalesChannel.parse(value);
      return { kind: 'webhook', channel, name: webhookSecretName(channel) };
    }),
    ...(definition.channelApis ?? []).map((value): FabricSecret => {
      const channel = SalesChannel.parse(value);
      return { kind: 'channel-api', channel, name: channelApiCredentialsName(channel) };
    }),
    ...(definition.erpApi ? [{ kind: 'erp', name: ERP_CREDENTIALS_SECRET_NAME } as const] : []),
    ...(definition.threePlApi && runsShipBob()
      ? [{ kind: '3pl', name: SHIPBOB_CREDENTIALS_SECRET_NAME } as const]
      : []),
  ];
}

/** ShipBob's credentials are needed only where the inventory policy has a warehouse ShipBob runs. */
function runsShipBob(): boolean {
  return loadInventoryPolicy().locations.some((location) => location.fulfilledBy === 'shipbob');
}

export interface RegionSecret {
  name: string;
  kind: FabricSecret['kind'];
  /** The topology functions that read it, in topology order. */
  readBy: string[];
}

/**
 * Every secret a region reads at run time, once each, sorted by name: those of the functions the
 * region deploys for its channels (every channel when `channels` is undefined). Outbound connectors
 * keep grants on every channel they can call (infra/regional-functions.ts), but a region only calls
 * the channels it sells on, so another channel's credentials are not needed there.
 */
export function regionSecrets(channels: readonly SalesChannel[] | undefined): RegionSecret[] {
  const sellsOn = (secret: FabricSecret) =>
    secret.kind === 'erp' || secret.kind === '3pl' || !channels || channels.includes(secret.channel);
  const byName = new Map<string, RegionSecret>();
  for (const [functionName, definition] of regionalFunctions(channels)) {
    for (const secret of secretsReadBy(definition).filter(sellsOn)) {
      const entry = byName.get(secret.name) ?? { name: secret.name, kind: secret.kind, readBy: [] };
      entry.readBy.push(functionName);
      byName.set(secret.name, entry);
    }
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}
