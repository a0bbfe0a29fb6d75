import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PublishCommand } from '@aws-sdk/client-sns';
import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { history, setRules, showRules } from '../../scripts/ops/sourcing';
import { showOrder, traceOrder } from '../../scripts/ops/order';
import {
  SAMPLE_CATALOG,
  sampleShopifyOrder,
  seededRandom,
  shopifyDeliveryHeaders,
} from '../../scripts/sample/shopify-orders';
import { postShopifyOrder, seedSampleCatalog } from '../../scripts/sample/sample-traffic';
import { DEVELOPMENT_WEBHOOK_SECRETS } from '#shared/adapters/webhook-secrets';
import { DynamoInventoryStore } from '#shared/adapters/inventory-store';
import { EventSource } from '#events/catalog';
import { EventProbe, orderReceivedBody, postAdjustment, stockOrder } from './support/inventory-support';
import { eventually, startTestFabric } from './support/test-fabric';
import { printedBy } from './support/ops-output';

// Two locations the Shopify channel ranks warehouse first; the store is Shopify's pickup location 7001.
process.env.FABRIC_INVENTORY_POLICY = JSON.stringify({
  locations: [
    { id: 'wh-east', name: 'East distribution centre', kind: 'warehouse', coordinates: { lat: 40.7, lon: -74.0 } },
    {
      id: 'store-042',
      name: 'Portland store',
      kind: 'store',
      timeZone: 'America/Los_Angeles',
      coordinates: { lat: 45.52, lon: -122.68 },
      channelLocationIds: { shopify: '7001' },
    },
  ],
  channels: { shopify: {} },
});

const reference = { kind: 'erp_document', id: 'PO-SOURCING-1' };
let fabric: LocalFabric;
let store: DynamoInventoryStore;
let probe: EventProbe;
let rulesDir: string;

beforeAll(async () => {
  fabric = await startTestFabric('sourcing-rules');
  store = new DynamoInventoryStore(fabric.resources.tables.inventory);
  probe = await EventProbe.subscribe(fabric, { source: [EventSource.inventory], 'detail-type': ['InventoryReserved'] });
  await seedSampleCatalog(fabric.resources.tables.crossReference);
  rulesDir = mkdtempSync(path.join(tmpdir(), 'sourcing-rules-'));
});

afterAll(async () => {
  await fabric?.stop();
});

/** `ops sourcing set` with these rules, as an operator would run it on a file. */
async function setRulesThroughCli(rules: unknown, flags: string[] = []): Promise<string[]> {
  const file = path.join(rulesDir, `${randomUUID()}.json`);
  writeFileSync(file, JSON.stringify(rules, null, 2));
  return printedBy(() => setRules(fabric.resources, [file, ...flags]));
}

async function stock(sku: string, quantities: Record<string, number>): Promise<void> {
  for (const [locationId, quantity] of Object.entries(quantities))
    expect((await postAdjustment(fabric, { type: 'receipt', sku, locationId, quantity, reference })).status).toBe(201);
}

async function decided(orderId: string) {
  return eventually(
    `a reservation decision for ${orderId}`,
    async () => {
      const { header, parts } = await store.readReservation(orderId);
      return header && !header.outbox && header.status !== 'in_progress' ? { header, parts } : undefined;
    },
    20_000,
  );
}

async function reservedEvent(orderId: string): Promise<Record<string, any>> {
  return eventually('its InventoryReserved', async () => {
    await probe.drain();
    return probe.distinct('InventoryReserved').find((event) => event.data.orderId === orderId)?.data;
  });
}

const heldAt = (parts: { allocations: { locationId: string }[] }[]) => [
  ...new Set(parts.flatMap((part) => part.allocations.map((a) => a.locationId))),
];

async function shopifyOrder(number: number): Promise<string> {
  const payload = sampleShopifyOrder(number, seededRandom(number));
  const body = JSON.stringify(payload);
  const answer = await postShopifyOrder(
    fabric.apiUrl,
    body,
    shopifyDeliveryHeaders(body, DEVELOPMENT_WEBHOOK_SECRETS.shopify),
  );
  expect(answer.status).toBe(202);
  return String(answer.body.orderId);
}

test('a sourcing rule changed through the CLI changes where the next order reserves, with no deploy', async () => {
  for (const item of SAMPLE_CATALOG) await stock(item.sku, { 'wh-east': 50, 'store-042': 50 });
  const before = await shopifyOrder(7101);
  const first = await decided(before);
  expect(first.header.status).toBe('reserved');
  expect(heldAt(first.parts)).toEqual(['wh-east']);
  expect(first.header.sourcing).toMatchObject({ ruleId: 'channel-default', candidates: ['wh-east', 'store-042'] });

  const stored = await setRulesThroughCli({
    rules: [
      {
        id: 'us-from-portland',
        description: 'US web orders ship from the Portland store first',
        when: { channels: ['shopify'], countries: ['US'] },
        locations: ['store-042', 'wh-east'],
        split: { mode: 'ship_complete' },
      },
    ],
  });
  const after = await shopifyOrder(7102);

  expect(stored).toEqual(['sourcing rules version 1 stored; the next order is sourced by it']);
  const second = await decided(after);
  expect(second.header.status).toBe('reserved');
  expect(heldAt(second.parts)).toEqual(['store-042']);
  expect(second.header.sourcing).toMatchObject({
    ruleId: 'us-from-portland',
    ruleVersion: 1,
    candidates: ['store-042', 'wh-east'],
    shipComplete: true,
  });
  expect((await reservedEvent(after)).sourcing).toMatchObject({ ruleId: 'us-from-portland', ruleVersion: 1 });
  expect((await reservedEvent(after)).backordered).toBe(false);
  const shown = (await printedBy(() => showOrder(fabric.resources, [after]))).join('\n');
  expect(shown).toContain('sourced by us-from-portland (rules version 1), candidates store-042, wh-east');
  const traced = (await printedBy(() => traceOrder(fabric.resources, [after]))).join('\n');
  expect(traced).toMatch(
    /stock sourced \(reserved\): rule "us-from-portland" \(version 1\) matched shopify ship to US/,
  );
  // The order placed before the change keeps the decision it was reserved under.
  expect((await store.readReservation(before)).header?.sourcing?.ruleId).toBe('channel-default');
});

test('a pickup order reserves at the store the customer chose alone, keeping back its safety stock', async () => {
  const sku = `PICKUP-${randomUUID().slice(0, 8)}`;
  await stock(sku, { 'wh-east': 20, 'store-042': 3 });
  await setRulesThroughCli({
    rules: [
      {
        id: 'pickup',
        when: { deliveryMethods: ['pickup'] },
        locations: ['pickup-store'],
        storeSafetyStock: 1,
      },
    ],
  });
  const pickup = (channelOrderId: string, quantity: number) => ({
    ...stockOrder('shopify', channelOrderId, [{ sku, quantity }]),
    delivery: { method: 'pickup' as const, channelLocationId: '7001' },
  });
  const fits = pickup(`PU-${randomUUID()}`, 2);
  const tooMany = pickup(`PU-${randomUUID()}`, 1);

  for (const order of [fits, tooMany]) {
    await fabric.clients.sns.send(
      new PublishCommand({ TopicArn: fabric.resources.topicArn, Message: orderReceivedBody(order) }),
    );
    await decided(order.orderId);
  }

  const reserved = await decided(fits.orderId);
  expect(reserved.header.status).toBe('reserved');
  expect(heldAt(reserved.parts)).toEqual(['store-042']);
  expect(reserved.header.sourcing).toMatchObject({
    ruleId: 'pickup',
    deliveryMethod: 'pickup',
    candidates: ['store-042'],
  });
  // The store's last unit is its safety stock, and the warehouse is no candidate for a pickup.
  const refused = await decided(tooMany.orderId);
  expect(refused.header.status).toBe('rejected');
  expect(refused.parts).toEqual([]);
});

describe('the rules API and history', () => {
  test('refuses rules naming an unknown location with its path, and a stale expected version with 409', async () => {
    const invalid = await fetch(`${fabric.apiUrl}/sourcing-rules`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rules: [{ id: 'x', locations: ['store-999'] }] }),
    });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual([
      'rules.0.locations.0',
    ]);

    const current = (await (await fetch(`${fabric.apiUrl}/sourcing-rules`)).json()) as { version: number };
    const stale = await fetch(`${fabric.apiUrl}/sourcing-rules`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ expectedVersion: current.version - 1, rules: [] }),
    });
    expect(stale.status).toBe(409);

    const next = await fetch(`${fabric.apiUrl}/sourcing-rules`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ expectedVersion: current.version, rules: [] }),
    });
    expect(next.status).toBe(201);
    expect(((await next.json()) as { version: number }).version).toBe(current.version + 1);
    const first = await fetch(`${fabric.apiUrl}/sourcing-rules/versions/1`);
    expect(((await first.json()) as { rules: { id: string }[] }).rules.map((rule) => rule.id)).toEqual([
      'us-from-portland',
    ]);
  });

  test('the CLI refuses an invalid file listing each failing path, and lists every version newest first', async () => {
    await expect(
      setRulesThroughCli({ rules: [{ id: 'p', when: { deliveryMethods: ['pickup'] }, locations: ['wh-east'] }] }),
    ).rejects.toThrow(/rules\.0\.locations: a pickup rule must list "pickup-store"/);

    const versions = await printedBy(() => history(fabric.resources));
    const shown = await printedBy(() => showRules(fabric.resources, []));

    expect(versions.at(-1)).toMatch(/^version 1 .* by ops:\S+ +1 rule\(s\): us-from-portland$/);
    expect(versions[0]).toMatch(/^version 3 /);
    expect(shown[0]).toMatch(/^version 3 /);
  });
});
