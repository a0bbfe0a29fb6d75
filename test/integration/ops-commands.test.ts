import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { show } from '../../scripts/ops/inventory';
import { reconcile, uploadSettlement } from '../../scripts/ops/reconcile';
import { DynamoSettlementLedger } from '#shared/adapters/reconciliation-store';
import { postAdjustment } from './support/inventory-support';
import { eventually, startTestFabric } from './support/test-fabric';
import { printedBy } from './support/ops-output';

const reference = { kind: 'erp_document', id: 'PO-OPS-1' };
let fabric: LocalFabric;

beforeAll(async () => {
  fabric = await startTestFabric('ops-commands');
});

afterAll(async () => {
  await fabric?.stop();
});

describe('inventory show', () => {
  test('says no inventory is recorded for a SKU the fabric has never seen, instead of a table of zeros', async () => {
    const sku = `NEVER-SEEN-${randomUUID().slice(0, 8)}`;

    await expect(show(fabric.resources, [sku])).rejects.toThrow(`no inventory recorded for SKU ${sku}`);
  });

  test('prints the zeros of a SKU that sold out: recorded, just empty', async () => {
    const sku = `SOLD-OUT-${randomUUID().slice(0, 8)}`;
    expect(
      (await postAdjustment(fabric, { type: 'receipt', sku, locationId: 'wh-east', quantity: 2, reference })).status,
    ).toBe(201);
    expect(
      (await postAdjustment(fabric, { type: 'sale', sku, locationId: 'wh-east', quantity: 2, reference })).status,
    ).toBe(201);

    const printed = await printedBy(() => show(fabric.resources, [sku]));

    expect(printed[0]).toBe(`${sku}  version 2`);
    expect(printed.find((line) => line.trim().startsWith('total'))).toMatch(/^ +total( +0){7}$/);
  });
});

test('settlement upload prints the settlement id that reconcile then finds the report under', async () => {
  const payout = path.join(__dirname, '..', 'fixtures', 'settlement', 'shopify-payout.json');

  const printed = await printedBy(() => uploadSettlement(fabric.resources, fabric.clients, [payout, 'shopify']));

  const settlementId = /^settlement (\S+);/m.exec(printed.join('\n'))?.[1];
  expect(settlementId).toBe('512467833');
  await eventually(
    'the reconciliation report',
    async () => new DynamoSettlementLedger(fabric.resources.tables.accounting).readReport(settlementId!),
    20_000,
  );
  const report = await printedBy(() => reconcile(fabric.resources, [settlementId!]));
  expect(report[0]).toMatch(/^shopify settlement 512467833 /);
});
