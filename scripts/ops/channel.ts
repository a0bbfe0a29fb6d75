import { DynamoPublicationLedger } from '#shared/adapters/publication-ledger';
import { outboundChannelApisFromEnv } from '#shared/channels/channel-apis';
import { propagationLagMs } from '#domain/channel-sync/publication';
import type { LocalResources } from '../local-fabric/provision';
import { parseCommand } from './command-line';
import { opsCommands } from './commands';

/**
 * `channel lag [channel]`: per channel and subject, the figure last published, its version, when the
 * fabric decided it, when the channel acknowledged it and the lag between; a newer figure still
 * waiting is shown as pending. Returns the lines printed.
 */
export async function lag(
  resources: LocalResources,
  argv: string[],
  print: (line: string) => void = console.log,
): Promise<string[]> {
  const {
    args: [only],
  } = parseCommand(opsCommands.channelLag, argv);
  const channels = only ? [only] : outboundChannelApisFromEnv(resources.tables.channelPublications).inventoryChannels;
  const ledger = new DynamoPublicationLedger(resources.tables.channelPublications);
  const lines: string[] = [];
  const out = (line: string) => {
    lines.push(line);
    print(line);
  };
  out(
    `${'channel'.padEnd(12)} ${'subject'.padEnd(32)} ${'value'.padStart(6)} ${'version'.padStart(8)}  ${'decided at'.padEnd(24)}  ${'acknowledged at'.padEnd(24)}  ${'lag ms'.padStart(8)}  pending`,
  );
  for (const channel of channels) {
    for (const record of await ledger.list(channel)) {
      const published = record.published;
      const pending =
        record.wanted && (!published || record.wanted.version > published.version)
          ? `${record.wanted.value} (v${record.wanted.version})`
          : '';
      out(
        [
          channel.padEnd(12),
          record.subject.padEnd(32),
          String(published?.value ?? '-').padStart(6),
          String(published?.version ?? '-').padStart(8),
          ` ${(published?.eventTime ?? '-').padEnd(24)}`,
          ` ${(published?.acknowledgedAt ?? '-').padEnd(24)}`,
          String(published ? propagationLagMs(published) : '-').padStart(9),
          ` ${pending}`,
        ].join(' '),
      );
    }
  }
  return lines;
}
