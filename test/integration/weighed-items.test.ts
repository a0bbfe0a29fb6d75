import { PutObjectCommand } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { EventSource } from '#events/catalog';
import { DynamoSkuCrossReference } from '#shared/adapters/cross-reference';
import { EventProbe, availability, postAdjustment } from './support/inventory-support';
import { eventually, startTestFabric } from './support/test-fabric';

/**
 * Weighed goods through the real path: a CSV store batch put into the local POS bucket, the ingest
 * function, PosTransactionRecorded on the bus, pos-stock-movements moving stock through the inventory
 * service, and the availability API reading DynamoDB. The cheese's stock is kept in kg, so its figures
 * are thousandths of a kg.
 */

// Read by every function at cold start: the cheese is sold by weight.
process.env.FABRIC_INVENTORY_POLICY = JSON.stringify({ stockUnits: { 'SKU-GOUDA': 'kg' } });

const DAY = '2026-11-23';
const HEADER =
  'store_id,register_id,business_day,sequence,ended_at,currency,record_type,item_code,quantity,unit,unit_price,amount,reason_code,tender_method';
let fabric: LocalFabric;
let probe: EventProbe;

beforeAll(async () => {
  fabric = await startTestFabric('weighed-items', { scheduleIntervalMs: () => 0 });
  probe = await EventProbe.subscribe(fabric, {
    source: [EventSource.pos],
    'detail-type': ['PosLineNeedsAttention'],
  });
  const xref = new DynamoSkuCrossReference(
    fabric.resources.tables.crossReference,
    DynamoDBDocumentClient.from(fabric.clients.dynamodb),
  );
  await xref.mapSku('pos', { channelSku: 'GOUDA-WEIGHED' }, 'SKU-GOUDA');
  await xref.mapSku('pos', { channelSku: 'MUG-WHITE' }, 'SKU-MUG-W');
  for (const [sku, quantity] of [
    ['SKU-GOUDA', 5_000], // 5.000 kg
    ['SKU-MUG-W', 10],
  ] as const) {
    const { status } = await postAdjustment(fabric, {
      type: 'receipt',
      sku,
      locationId: 'store-042',
      quantity,
      reference: { kind: 'erp_document', id: `PO-${sku}` },
    });
    expect(status).toBe(201);
  }
});

afterAll(async () => {
  await fabric?.stop();
});

async function upload(file: string, body: string): Promise<void> {
  await fabric.clients.s3.send(
    new PutObjectCommand({
      Bucket: fabric.resources.buckets.posBatches,
      Key: `incoming/store-042/${DAY}/${file}`,
      Body: body,
    }),
  );
}

const uploadCsv = (batchId: string, rows: string[]) => upload(`${batchId}.csv`, `${[HEADER, ...rows].join('\n')}\n`);

/** A POSLog 6 sale of cheese weighed at the till, as `<Quantity UnitOfMeasureCode="KGM">` carries it. */
const poslogSale = (sequence: number, kg: string, amount: string) => `<?xml version="1.0" encoding="UTF-8"?>
<POSLog xmlns="http://www.nrf-arts.org/IXRetail/namespace/" MajorVersion="6" MinorVersion="0">
  <Transaction>
    <BusinessUnit><UnitID>store-042</UnitID></BusinessUnit>
    <WorkstationID>R2</WorkstationID>
    <SequenceNumber>${sequence}</SequenceNumber>
    <BusinessDayDate>${DAY}</BusinessDayDate>
    <EndDateTime>${DAY}T11:00:00-05:00</EndDateTime>
    <CurrencyCode>USD</CurrencyCode>
    <RetailTransaction>
      <LineItem>
        <SequenceNumber>1</SequenceNumber>
        <Sale ItemType="Stock">
          <ItemID>GOUDA-WEIGHED</ItemID>
          <RegularSalesUnitPrice>3.99</RegularSalesUnitPrice>
          <ExtendedAmount>${amount}</ExtendedAmount>
          <Quantity UnitOfMeasureCode="KGM">${kg}</Quantity>
        </Sale>
      </LineItem>
      <LineItem>
        <SequenceNumber>2</SequenceNumber>
        <Tender TenderType="Cash" TypeCode="Sale"><Amount>${amount}</Amount></Tender>
      </LineItem>
    </RetailTransaction>
  </Transaction>
</POSLog>
`;

const row = (sequence: number, rest: string) => `store-042,R1,${DAY},${sequence},${DAY}T10:00:00-05:00,USD,${rest}`;

async function storeStock(sku: string): Promise<{ unit: string; onHand: number; availableToSell: number }> {
  const view = await availability(fabric, sku);
  const { onHand, availableToSell } = view.locations.find(
    (location: { locationId: string }) => location.locationId === 'store-042',
  );
  return { unit: view.unit, onHand, availableToSell };
}

describe('weighed items sold at a store', () => {
  it('moves a weighed SKU by exactly its thousandths of a kg, back again on its return, and a whole-unit SKU by units', async () => {
    // 0.420 kg at 3.99/kg is 1.6758, which the till rounded to 1.68; two mugs at 5.00.
    await uploadCsv('weighed-1', [
      row(1, 'sale,GOUDA-WEIGHED,0.420,kg,3.99,1.68,,'),
      row(1, 'sale,MUG-WHITE,2,,5.00,10.00,,'),
      row(1, 'tender,,,,,11.68,,cash'),
    ]);

    expect(
      await eventually('the sale to move stock', async () => {
        const [cheese, mugs] = await Promise.all([storeStock('SKU-GOUDA'), storeStock('SKU-MUG-W')]);
        return cheese.onHand === 4_580 && mugs.onHand === 8 ? { cheese, mugs } : undefined;
      }),
    ).toEqual({
      cheese: { unit: 'kg', onHand: 4_580, availableToSell: 4_580 },
      mugs: { unit: 'each', onHand: 8, availableToSell: 8 },
    });

    // The customer brings the cheese back (weighed again at the till: the same 0.420 kg).
    await uploadCsv('weighed-2', [
      row(2, 'return,GOUDA-WEIGHED,0.420,KGM,3.99,1.68,CUSTOMER_RETURN,'),
      row(2, 'tender,,,,,-1.68,,cash'),
    ]);

    expect(
      await eventually('the return to move stock', async () => {
        const cheese = await storeStock('SKU-GOUDA');
        return cheese.onHand === 5_000 ? cheese : undefined;
      }),
    ).toEqual({ unit: 'kg', onHand: 5_000, availableToSell: 5_000 });
    expect(await storeStock('SKU-MUG-W')).toMatchObject({ onHand: 8 });
  });

  it('moves a weighed SKU by the thousandths of a POSLog sale, its weight written with its UN/ECE unit code', async () => {
    const before = (await storeStock('SKU-GOUDA')).onHand;

    // 1.25 kg at 3.99/kg is 4.9875: the till rounded it up to 4.99.
    await upload('weighed-poslog.xml', poslogSale(9001, '1.25', '4.99'));

    expect(
      await eventually('the POSLog sale to move stock', async () => {
        const cheese = await storeStock('SKU-GOUDA');
        return cheese.onHand !== before ? cheese.onHand : undefined;
      }),
    ).toBe(before - 1_250);
  });

  it('holds a mug rung up by weight, moving nothing, and names the mismatch', async () => {
    await uploadCsv('weighed-3', [row(3, 'sale,MUG-WHITE,0.500,kg,5.00,2.50,,'), row(3, 'tender,,,,,2.50,,cash')]);

    const [held] = await eventually('the line to be held', async () => {
      const events = (await probe.drain()).filter(
        (event) => (event.data as { transactionId: string }).transactionId === `store-042:R1:${DAY}:3`,
      );
      return events.length ? events : undefined;
    });
    expect(held.data).toMatchObject({
      reason: 'UNIT_MISMATCH',
      lines: [
        {
          lineNumber: 1,
          itemCode: 'MUG-WHITE',
          measure: { unit: 'kg', thousandths: 500 },
          detail: 'sold as 0.500 kg but SKU-MUG-W keeps its stock in whole units',
        },
      ],
    });
    expect(await storeStock('SKU-MUG-W')).toMatchObject({ onHand: 8 });
  });
});
