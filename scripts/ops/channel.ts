import { randomUUID } from 'node:crypto';
import { setTimeout as pause } from 'node:timers/promises';
import { userInfo } from 'node:os';
import { SalesChannel } from '#domain/kernel/order';
import { createEvent } from '#domain/kernel/event';
import { ChannelCatchUpRequested } from '#domain/intake/events';
import type { CatchUpResult } from '#domain/intake/catch-up';
import { DynamoConnectorStateStore } from '#shared/adapters/connector-state';
import { eventPublisherFromEnv } from '#shared/adapters/event-publisher';
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

/**
 * `channel catch-up <channel> [--since <time>]`: asks the fabric's catch-up function for a pull now
 * (the same function the schedule runs, locally or in a region) and prints its report once it is kept.
 * Without --since it is the scheduled pull run early; with it, a one-off window that moves no cursor.
 */
export async function catchUp(
  resources: LocalResources,
  argv: string[],
  print: (line: string) => void = console.log,
  waitMs = 15 * 60_000,
): Promise<CatchUpResult> {
  const {
    args: [channel],
    flags: { since },
  } = parseCommand(opsCommands.channelCatchUp, argv);
  const requestId = randomUUID();
  await eventPublisherFromEnv().publish([
    createEvent(
      ChannelCatchUpRequested,
      {
        channel,
        requestId,
        ...(since ? { since: since.toISOString() } : {}),
        requestedBy: `ops:${userInfo().username}`,
      },
      { correlationId: `catch-up#${requestId}` },
    ),
  ]);
  print(
    `${channel} catch-up requested (${requestId})${since ? ` from ${since.toISOString()}` : ''}; waiting for its report`,
  );
  const connectors = new DynamoConnectorStateStore(resources.tables.connectorState);
  const deadline = Date.now() + waitMs;
  for (;;) {
    const result = await connectors.requestedRun(requestId);
    if (result) {
      print(describeCatchUp(result));
      if (result.outcome === 'failed') throw new Error(`${channel} catch-up failed: ${result.reason}`);
      return result;
    }
    if (Date.now() > deadline)
      throw new Error(
        `no report from the ${channel} catch-up after ${waitMs / 60_000} minutes: is the fabric running? (npm run ops -- dlq list shows a held request)`,
      );
    await pause(1000);
  }
}

function describeCatchUp(result: CatchUpResult): string {
  if (result.outcome === 'failed') return `${result.channel}: failed: ${result.reason}`;
  if (result.outcome === 'another_run_pulling') return `${result.channel}: another run is pulling this channel now`;
  const { window, pages, published, duplicates, needsAttention, completed } = result.report;
  return [
    `${result.channel}: ${window ? `${window.from} .. ${window.to}` : 'nothing to pull'}`,
    `${pages} page(s), ${published} order version(s) published, ${duplicates} already held, ${needsAttention} held for attention`,
    completed ? '' : '(stopped before the end of the window: the next run resumes there)',
  ]
    .filter(Boolean)
    .join('; ');
}
