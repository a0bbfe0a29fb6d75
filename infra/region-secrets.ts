import type { FunctionDefinition } from '../shared/config/topology';
import { SalesChannel } from '../shared/domain/order';
import { ERP_CREDENTIALS_SECRET_NAME } from '../shared/erp/erp-config';

/**
 * A Secrets Manager secret a function reads at run time. Stacks never create these: their values come
 * from the channel or the ERP and must not pass through a template (DEPLOY.md, "Secrets").
 */
export type FabricSecret =
  | { kind: 'webhook'; channel: SalesChannel; name: string }
  | { kind: 'channel-api'; channel: SalesChannel; name: string }
  | { kind: 'erp'; name: string };

/** The channel's webhook signing secret (or eBay's verification token): plain text. */
export function webhookSecretName(channel: SalesChannel): string {
  return `fabric/webhooks/${channel}`;
}

/** The channel API's credentials: JSON, with the fields that channel's client reads. */
export function channelApiCredentialsName(channel: SalesChannel): string {
  return `fabric/channel-api/${channel}`;
}

/**
 * The secrets a function reads, as its (regional) definition declares them, in declaration order: the
 * capability stacks grant exactly these. Throws on a channel name the fabric does not know.
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
  ];
}
