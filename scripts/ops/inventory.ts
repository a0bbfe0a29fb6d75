import { DynamoInventoryStore } from '#shared/adapters/inventory-store';
import { loadInventoryPolicy } from '#domain/inventory/policy';
import { bucketId } from '#domain/inventory/model';
import { readAvailability } from '#domain/inventory/exposure';
import { isClean, verifyInventory } from '#domain/inventory/verification';
import type { LocalResources } from '../local-fabric/provision';
import { parseCommand } from './command-line';
import { opsCommands } from './commands';

/**
 * `inventory verify`: rebuilds every position from its ledger and compares, and checks reserved
 * against open reservations. Prints each disagreement; exits non-zero when there is any.
 */
export async function verify(resources: LocalResources): Promise<void> {
  const store = new DynamoInventoryStore(resources.tables.inventory);
  const { positions, movements, parts } = await store.scanForVerification();
  const report = verifyInventory(positions, movements, parts);
  console.log(
    `${report.positions} position(s), ${report.movements} movement(s), ${parts.length} reservation part(s) checked`,
  );
  for (const { key, drift } of report.ledgerDrift) {
    console.log(
      `DRIFT ${bucketId(key)}: ${drift.map((d) => `${d.figure} stored ${d.stored}, ledger says ${d.rebuilt}`).join('; ')}`,
    );
  }
  for (const { key, reserved, heldByReservations } of report.reservedDrift) {
    console.log(`DRIFT ${bucketId(key)}: reserved ${reserved}, open reservations hold ${heldByReservations}`);
  }
  for (const key of report.orphans)
    console.log(`ORPHAN ${bucketId(key)}: ledger lines or reservations without a position`);
  if (!isClean(report)) {
    process.exitCode = 1;
    return;
  }
  console.log('positions, ledger and reservations agree');
}

/**
 * `inventory show <sku>`: every named quantity per location, and what each channel is shown. Throws
 * for a SKU no movement has ever touched, rather than print a table of zeros that reads like a
 * sold-out one: every write to a position bumps its revision, so a version of 0 means nothing was
 * ever recorded.
 */
export async function show(resources: LocalResources, argv: string[]): Promise<void> {
  const {
    args: [sku],
  } = parseCommand(opsCommands.inventoryShow, argv);
  const view = await readAvailability(sku, new DynamoInventoryStore(resources.tables.inventory), loadInventoryPolicy());
  if (view.version === 0) throw new Error(`no inventory recorded for SKU ${sku}`);
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
  for (const channel of view.channels)
    console.log(`  ${channel.channel.padEnd(12)} lists ${channel.listed} of ${channel.availableToSell} available`);
}
