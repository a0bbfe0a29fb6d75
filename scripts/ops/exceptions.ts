import { userInfo } from 'node:os';
import { exceptionFixPortsFromEnv } from '#shared/wiring/exception-fix-ports';
import {
  dismissException,
  reprocessWaitingForSku,
  retryException,
  type Actor,
  type ExceptionRecord,
  type FixPorts,
} from '#domain/exceptions';
import type { SalesChannel } from '#domain/kernel/order';
import type { OpsResources } from './aws-fabric';
import { parseCommand } from './command-line';
import { opsCommands } from './commands';

function fixPorts(resources: OpsResources): FixPorts {
  return exceptionFixPortsFromEnv({
    exceptionsTable: resources.tables.exceptions,
    crossReferenceTable: resources.tables.crossReference,
    ordersTable: resources.tables.orders,
    rawArchiveBucket: resources.buckets.rawArchive,
  });
}

/** Who a fix from the command line is audited as. */
export function operator(why: string): Actor {
  return { by: `ops:${userInfo().username}`, why };
}

/** What `list --json` promises per item: id, kind, status, channel, reason, and orderId when it is about an order. */
function summary(record: ExceptionRecord) {
  const {
    id,
    kind,
    severity,
    status,
    channel,
    orderId,
    subject,
    reasonCode,
    reason,
    fieldPaths,
    fixes,
    count,
    firstSeenAt,
    lastSeenAt,
  } = record;
  return {
    id,
    kind,
    severity,
    status,
    channel: channel ?? null,
    ...(orderId ? { orderId } : {}),
    subject,
    reasonCode,
    reason,
    fieldPaths,
    fixes,
    count,
    firstSeenAt,
    lastSeenAt,
  };
}

/** `exceptions list [--kind K] [--status S] [--json]`: oldest first. */
export async function list(resources: OpsResources, argv: string[]): Promise<void> {
  const { flags } = parseCommand(opsCommands.exceptionsList, argv);
  const records = await fixPorts(resources).store.list({
    ...(flags.kind ? { kind: flags.kind } : {}),
    ...(flags.status ? { status: flags.status } : {}),
  });
  if (flags.json) {
    console.log(JSON.stringify(records.map(summary), null, 2));
    return;
  }
  if (records.length === 0) console.log('no exceptions');
  for (const record of records) {
    console.log(
      `${record.status.padEnd(9)} ${record.severity.padEnd(8)} ${record.id}  x${record.count}  since ${record.firstSeenAt}`,
    );
    console.log(`          ${record.channel ?? '-'}  ${record.subject.type} ${record.subject.key}: ${record.reason}`);
  }
}

/** `exceptions show <id>`: the whole row, its fixes and its audit trail. */
export async function show(resources: OpsResources, argv: string[]): Promise<void> {
  const {
    args: [id],
  } = parseCommand(opsCommands.exceptionsShow, argv);
  const record = await fixPorts(resources).store.get(id);
  if (!record) throw new Error(`no exception ${id}`);
  console.log(`${record.id}  ${record.kind} ${record.reasonCode}  ${record.severity}  ${record.status}`);
  const order = record.orderId && record.subject.key !== record.orderId ? `  (order ${record.orderId})` : '';
  console.log(
    `about:    ${record.subject.type} ${record.subject.key}${order}${record.channel ? `  on ${record.channel}` : ''}`,
  );
  console.log(`reason:   ${record.reason}`);
  if (record.fieldPaths.length) console.log(`fields:   ${record.fieldPaths.join(', ')}`);
  console.log(`seen:     ${record.count} time(s), first ${record.firstSeenAt}, last ${record.lastSeenAt}`);
  console.log(`fixes:    ${record.fixes.map((fix) => FIX_HINTS[fix](record)).join('\n          ')}`);
  for (const action of record.actions)
    console.log(
      `  ${action.at}  ${action.action} by ${action.by}: ${action.why}${action.outcome ? ` -> ${action.outcome}` : ''}`,
    );
}

const FIX_HINTS: Record<ExceptionRecord['fixes'][number], (record: ExceptionRecord) => string> = {
  // The cross-reference keys read `sku:CODE` or `variant:ID`; map-sku takes the code bare, the variant with its prefix.
  'map-sku': (record) =>
    `npm run ops -- xref map-sku ${record.channel} ${(record.context.channelSkus as string[] | undefined)?.map((key) => key.replace(/^sku:/, '')).join(' | ') ?? '<channelSku>'} <sku>   (reprocesses the held work)`,
  reprocess: (record) =>
    `npm run ops -- exceptions retry ${record.id}   (maps the order again from ${String(record.context.archiveKey ?? 'its archived delivery')})`,
  retry: (record) => `npm run ops -- exceptions retry ${record.id}   (after fixing the cause in the ERP)`,
  'cancel-order': (record) =>
    `cancel ${record.context.channelOrderId ?? record.orderId} on ${record.channel}: the channel's cancellation releases the stock and reverses the ERP order`,
  dismiss: (record) => `npm run ops -- exceptions dismiss ${record.id} --reason "..."`,
};

/** `exceptions retry <id> [--reason "..."]`. */
export async function retry(resources: OpsResources, argv: string[]): Promise<void> {
  const {
    args: [id],
    flags,
  } = parseCommand(opsCommands.exceptionsRetry, argv);
  const record = await retryException(
    id,
    operator(flags.reason ?? 'retried from the command line'),
    fixPorts(resources),
  );
  console.log(`${record.id}: ${record.actions.at(-1)?.outcome ?? 'retried'}`);
}

/** `exceptions dismiss <id> --reason "..."`. */
export async function dismiss(resources: OpsResources, argv: string[]): Promise<void> {
  const {
    args: [id],
    flags,
  } = parseCommand(opsCommands.exceptionsDismiss, argv);
  const record = await dismissException(id, operator(flags.reason), fixPorts(resources));
  console.log(`${record.id}: ${record.status}`);
}

/** After `xref map-sku`: every held order that waited for the channel SKU, mapped again from the archive. */
export async function reprocessAfterMapping(
  resources: OpsResources,
  channel: SalesChannel | 'pos',
  channelSkuKey: string,
  sku: string,
): Promise<void> {
  const { reprocessed, left } = await reprocessWaitingForSku(
    channel,
    channelSkuKey,
    operator(`${channel} ${channelSkuKey} mapped to ${sku}`),
    fixPorts(resources),
  );
  for (const record of reprocessed) console.log(`  reprocessed ${record.id}: ${record.actions.at(-1)?.outcome}`);
  for (const record of left)
    console.log(`  still open  ${record.id}: apply it by hand (npm run ops -- exceptions show ${record.id})`);
}
