import { userInfo } from 'node:os';
import { exceptionFixPortsFromEnv } from '#shared/wiring/exception-fix-ports';
import { dismissException, retryException, type Actor, type ExceptionFix, type FixPorts } from '#domain/exceptions';
import {
  exceptionDetail,
  exceptionReadPorts,
  listExceptions,
  type ExceptionDetail,
} from '#shared/operations/exceptions';
import type { OpsResources } from './aws-fabric';
import { parseCommand } from './command-line';
import { opsCommands } from './commands';

function readPorts(resources: OpsResources) {
  return exceptionReadPorts({
    exceptionsTable: resources.tables.exceptions,
    ordersTable: resources.tables.orders,
    crossReferenceTable: resources.tables.crossReference,
    rawArchiveBucket: resources.buckets.rawArchive,
  });
}

/** The fixes' ports: the exceptions table, the raw archive, the cross-reference and the bus. */
export function fixPorts(resources: OpsResources): FixPorts {
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

/** `exceptions list [--kind K] [--status S] [--json]`: oldest first. */
export async function list(resources: OpsResources, argv: string[]): Promise<void> {
  const { flags } = parseCommand(opsCommands.exceptionsList, argv);
  const rows = await listExceptions(readPorts(resources).store, {
    ...(flags.kind ? { kind: flags.kind } : {}),
    ...(flags.status ? { status: flags.status } : {}),
  });
  if (flags.json) {
    console.log(JSON.stringify(rows, null, 2));
    return;
  }
  if (rows.length === 0) console.log('no exceptions');
  for (const row of rows) {
    console.log(`${row.status.padEnd(9)} ${row.severity.padEnd(8)} ${row.id}  x${row.count}  since ${row.firstSeenAt}`);
    console.log(`          ${row.channel ?? '-'}  ${row.subject.type} ${row.subject.key}: ${row.reason}`);
  }
}

/** `exceptions show <id>`: the whole row, its fixes and its audit trail. */
export async function show(resources: OpsResources, argv: string[]): Promise<void> {
  const {
    args: [id],
  } = parseCommand(opsCommands.exceptionsShow, argv);
  const record = await exceptionDetail(readPorts(resources), id);
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
  if (record.blocks)
    console.log(
      `holds:    order ${record.blocks.orderId} (${record.blocks.status})${record.blocks.waitingLines.map((line) => `\n          ${line.quantity} x ${line.channelSku} waits for a SKU mapping`).join('')}`,
    );
  for (const field of record.payload?.fields ?? [])
    console.log(
      `${record.payload?.source === 'order' ? 'order:   ' : 'sent:    '} ${field.path} = ${JSON.stringify(field.value)}`,
    );
  for (const action of record.actions)
    console.log(
      `  ${action.at}  ${action.action} by ${action.by}: ${action.why}${action.outcome ? ` -> ${action.outcome}` : ''}`,
    );
}

const FIX_HINTS: Record<ExceptionFix, (record: ExceptionDetail) => string> = {
  'map-sku': (record) =>
    `npm run ops -- xref map-sku ${record.channel} ${record.skusToMap.map((waited) => waited.channelSku).join(' | ') || '<channelSku>'} <sku>   (reprocesses the held work)`,
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
