import { SalesChannel } from '#domain/kernel/order';
import { channelLag, channelReadPorts } from '#shared/operations/channels';
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
  const channels: readonly SalesChannel[] = only ? [only] : SalesChannel.options;
  const ports = channelReadPorts(resources.tables);
  const lines: string[] = [];
  const out = (line: string) => {
    lines.push(line);
    print(line);
  };
  out(
    `${'channel'.padEnd(12)} ${'subject'.padEnd(32)} ${'value'.padStart(6)} ${'version'.padStart(8)}  ${'decided at'.padEnd(24)}  ${'acknowledged at'.padEnd(24)}  ${'lag ms'.padStart(8)}  pending`,
  );
  for (const channel of channels) {
    for (const row of await channelLag(ports, channel)) {
      const { published, pending } = row;
      out(
        [
          channel.padEnd(12),
          row.subject.padEnd(32),
          String(published?.value ?? '-').padStart(6),
          String(published?.version ?? '-').padStart(8),
          ` ${(published?.decidedAt ?? '-').padEnd(24)}`,
          ` ${(published?.acknowledgedAt ?? '-').padEnd(24)}`,
          String(published?.lagMs ?? '-').padStart(9),
          ` ${pending ? `${pending.value} (v${pending.version})${row.stalled ? ' stalled' : ''}` : ''}`,
        ].join(' '),
      );
    }
  }
  return lines;
}
