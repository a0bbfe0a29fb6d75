import { DynamoInventoryStore } from '#shared/adapters/inventory-store';
import { DynamoPublicationLedger } from '#shared/adapters/publication-ledger';
import { eventPublisherFromEnv } from '#shared/adapters/event-publisher';
import { loadInventoryPolicy } from '#domain/inventory/policy';
import { adjustStock, parseAdjustmentRequest } from '#domain/inventory/adjustment';
import { skuInventory, verifyInventoryNow } from '#shared/operations/inventory';
import type { LocalResources } from '../local-fabric/provision';
import { parseCommand } from './command-line';
import { opsCommands } from './commands';

/**
 * `inventory verify`: rebuilds every position from its ledger and compares, and checks reserved
 * against open reservations. Prints each disagreement; exits non-zero when there is any.
 */
export async function verify(resources: LocalResources): Promise<void> {
  const report = await verifyInventoryNow(new DynamoInventoryStore(resources.tables.inventory));
  console.log(
    `${report.positions} position(s), ${report.movements} movement(s), ${report.reservationParts} reservation part(s) checked`,
  );
  for (const { bucket, drift } of report.ledgerDrift) {
    console.log(
      `DRIFT ${bucket}: ${drift.map((d) => `${d.figure} stored ${d.stored}, ledger says ${d.rebuilt}`).join('; ')}`,
    );
  }
  for (const { bucket, reserved, heldByReservations } of report.reservedDrift) {
    console.log(`DRIFT ${bucket}: reserved ${reserved}, open reservations hold ${heldByReservations}`);
  }
  for (const { bucket } of report.orphans)
    console.log(`ORPHAN ${bucket}: ledger lines or reservations without a position`);
  if (!report.clean) {
    process.exitCode = 1;
    return;
  }
  console.log('positions, ledger and reservations agree');
}

/**
 * `inventory show <sku>`: every named quantity per location, and what each channel is shown. Throws
 * for a SKU no movement has ever touched, rather than print a table of zeros that reads like a
 * sold-out one.
 */
export async function show(resources: LocalResources, argv: string[]): Promise<void> {
  const {
    args: [sku],
  } = parseCommand(opsCommands.inventoryShow, argv);
  const view = await skuInventory(sku, {
    store: new DynamoInventoryStore(resources.tables.inventory),
    publications: new DynamoPublicationLedger(resources.tables.channelPublications),
    policy: loadInventoryPolicy(),
  });
  if (!view) throw new Error(`no inventory recorded for SKU ${sku}`);
  const columns = {
    onHand: 'on hand',
    reserved: 'reserved',
    incoming: 'incoming',
    safetyStock: 'safety',
    damaged: 'damaged',
    qualityControl: 'QC',
    availableToSell: 'to sell',
  } as const;
  const names = Object.keys(columns) as (keyof typeof columns)[];
  console.log(`${sku}  version ${view.version}`);
  console.log(`  ${'location'.padEnd(12)}${names.map((c) => columns[c].padStart(10)).join('')}`);
  for (const row of [...view.locations, { ...view.total, locationId: 'total' }]) {
    console.log(`  ${row.locationId.padEnd(12)}${names.map((c) => String(row[c]).padStart(10)).join('')}`);
  }
  for (const channel of view.channels) {
    const told = channel.published
      ? `; last told ${channel.published.value} (version ${channel.published.version}, acknowledged ${channel.published.acknowledgedAt})`
      : '';
    const pending = channel.pending ? `; ${channel.pending.value} waiting (version ${channel.pending.version})` : '';
    console.log(
      `  ${channel.channel.padEnd(12)} lists ${channel.listed} of ${channel.availableToSell} available${told}${pending}`,
    );
  }
  if (view.movements.length) console.log('  latest movements:');
  for (const m of view.movements) {
    const changed = Object.entries(m.deltas)
      .map(([figure, delta]) => `${figure} ${delta > 0 ? '+' : ''}${delta}`)
      .join(', ');
    console.log(
      `    ${m.occurredAt}  ${m.locationId.padEnd(12)} ${m.kind.padEnd(12)} ${changed}  ${m.reasonCode}  ${m.reference.kind} ${m.reference.id}`,
    );
  }
}

/**
 * `inventory transfer ship <transferId> <sku> <quantity> --from <loc> --to <loc>`: the units leave
 * --from's on hand and are incoming at --to. Keyed on the transfer id, so running it again is a
 * duplicate, not a second shipment.
 */
export async function shipTransfer(
  resources: LocalResources,
  argv: string[],
  print: (line: string) => void = console.log,
): Promise<void> {
  const {
    args: [transferId, sku, quantity],
    flags,
  } = parseCommand(opsCommands.inventoryTransferShip, argv);
  await applyTransferStep(
    resources,
    `transfer:${transferId}:shipped`,
    { type: 'transfer_shipped', transferId, sku, fromLocationId: flags.from, toLocationId: flags.to, quantity },
    print,
  );
}

/**
 * `inventory transfer receive <transferId> <sku> <quantityArrived>`: what was shipped leaves incoming,
 * what arrived goes on hand, and a difference is booked as TRANSFER_VARIANCE. Once per transfer.
 */
export async function receiveTransfer(
  resources: LocalResources,
  argv: string[],
  print: (line: string) => void = console.log,
): Promise<void> {
  const {
    args: [transferId, sku, quantity],
  } = parseCommand(opsCommands.inventoryTransferReceive, argv);
  await applyTransferStep(
    resources,
    `transfer:${transferId}:received`,
    { type: 'transfer_received', transferId, sku, quantity },
    print,
  );
}

/** Validates and applies one step of a transfer as POST /inventory/adjustments would; throws what refused it. */
async function applyTransferStep(
  resources: LocalResources,
  adjustmentId: string,
  body: Record<string, unknown> & { transferId: string },
  print: (line: string) => void,
): Promise<void> {
  const policy = loadInventoryPolicy();
  const parsed = parseAdjustmentRequest(
    { ...body, reference: { kind: 'transfer', id: body.transferId } },
    adjustmentId,
    policy,
  );
  if (!parsed.ok) throw new Error(parsed.issues.map((issue) => `${issue.path} ${issue.message}`).join('; '));
  const outcome = await adjustStock(parsed.request, adjustmentId, {
    store: new DynamoInventoryStore(resources.tables.inventory),
    policy,
    publisher: eventPublisherFromEnv(),
  });
  switch (outcome.kind) {
    case 'applied':
    case 'duplicate': {
      const { transfer, changes } = outcome.result;
      print(
        `transfer ${body.transferId} ${parsed.request.type === 'transfer_shipped' ? 'shipped' : 'received'}${outcome.kind === 'duplicate' ? ' (already recorded)' : ''}: ${transfer?.shipped} shipped from ${transfer?.fromLocationId} to ${transfer?.toLocationId}${transfer?.received !== undefined ? `, ${transfer.received} arrived` : ''}`,
      );
      for (const change of changes)
        print(
          `  ${change.locationId.padEnd(12)} ${change.quantityName.padEnd(10)} ${change.delta > 0 ? '+' : ''}${change.delta}`,
        );
      return;
    }
    case 'key_reused':
      throw new Error(`transfer ${body.transferId} was already ${adjustmentId.split(':').at(-1)} with other figures`);
    case 'busy':
      throw new Error('stock kept moving while the transfer was applied; run the command again');
    default:
      throw new Error(outcome.message);
  }
}
