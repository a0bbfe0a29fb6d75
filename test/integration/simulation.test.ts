import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { configureSimulationEnvironment, runSimulation } from '../../scripts/simulation/driver';
import type { Fault } from '../../scripts/simulation/scenario';
import { formatSummary, type SimulationReport } from '../../scripts/simulation/report';
import { startTestFabric } from './support/test-fabric';

/**
 * The simulated retail day of `npm run simulate`, small, through the test emulators, with every fault
 * on: every invariant checked against what the fabric and the ERP simulator recorded, and the same
 * seed giving the same business totals twice.
 */

const STORES = 3;
// Read by the handlers at cold start: the stores as inventory locations, short ERP retries.
configureSimulationEnvironment(STORES);

let fabric: LocalFabric;

beforeAll(async () => {
  fabric = await startTestFabric('simulation', { scheduleIntervalMs: () => 0 });
});

afterAll(async () => {
  await fabric?.stop();
});

const FAULTS: Fault[] = [
  'duplicates',
  'out-of-order',
  'storm',
  'erp-down',
  'erp-throttle',
  'erp-slow',
  'poison',
  'flash-sale',
  'missed-webhooks',
];

const day = (runNumber: number): Promise<SimulationReport> =>
  runSimulation(fabric, {
    orders: 30,
    stores: STORES,
    skus: 6,
    seed: 11,
    faults: FAULTS,
    concurrency: 8,
    runNumber,
    erpOutageMs: 3_000,
    settleTimeoutMs: 150_000,
  });

it('runs a day with redeliveries, late updates, missed webhooks, a storm, the ERP down then throttling then slow, a poison message and a flash sale and loses, oversells and double-posts nothing; the same seed gives the same totals', async () => {
  const first = await day(0);
  expect(first.violations).toEqual([]);
  // Every channel sold, through its own route: webhooks, Amazon's queue, eBay's poller.
  expect(Object.keys(first.ordersByChannel).sort()).toEqual([
    'amazon',
    'ebay',
    'shopify',
    'square',
    'walmart',
    'woocommerce',
  ]);
  expect(first.fulfilment.shipmentsConfirmed).toBeGreaterThan(0);
  expect(first.fulfilment.shipmentsToChannels).toBeGreaterThan(0);
  expect(first.fulfilment.transfers).toBe(2 * STORES);
  expect(first.units.shipped).toBeGreaterThan(0);
  // A store took back an online order, and an order shipped only in part: the states the day leaves them in were checked.
  expect(first.units.returnedInStores).toBeGreaterThan(0);
  expect((first.ordersByState.returned ?? 0) + (first.ordersByState.partially_returned ?? 0)).toBeGreaterThan(0);
  expect(first.ordersByState.partially_shipped).toBeGreaterThan(0);
  expect(first.reconciliation).toMatchObject({ unexpectedExceptions: [], missingExceptions: [] });
  expect(first.reconciliation!.expectedExceptions).toHaveLength(2);
  expect(first.erp.journalBalance).toEqual({ USD: 0 });
  expect(first.units.oversold).toBe(0);
  expect(first.erp.ordersPostedTwice).toBe(0);
  expect(first.erp.reservedWithoutSalesOrder).toBe(0);
  expect(first.erp.byStatus['503']).toBeGreaterThan(0);
  expect(first.erp.byStatus['429']).toBeGreaterThan(0);
  // The slow ERP left posts in doubt, and each still ended as one document.
  expect(first.events.failuresByQueueAndError['erp-sales-order-posting ErpOutcomeUnknownError']).toBeGreaterThan(0);
  expect(first.erp.journalLinesPostedTwice).toBe(0);
  expect(first.duplicatesSuppressed).toBeGreaterThan(0);
  expect(first.deadLetters.beforeRedrive).toBeGreaterThan(0);
  expect(first.deadLetters.afterRedrive).toBe(0);
  // Every failed delivery is counted under its queue and error, and the summary names the commonest
  // first (ties by name: two causes often fail equally often in a short day).
  const causes = Object.entries(first.events.failuresByQueueAndError).sort(
    ([a, m], [b, n]) => n - m || a.localeCompare(b),
  );
  expect(first.events.failedDeliveries).toBeGreaterThan(0);
  expect(causes.reduce((sum, [, n]) => sum + n, 0)).toBe(first.events.failedDeliveries);
  expect(formatSummary(first)).toContain(`failed and retried (${causes[0][0]} ${causes[0][1]}`);
  expect(first.flashSale!.won).toBeLessThanOrEqual(first.flashSale!.stock);
  // Orders whose webhook or notification never came (one at least on each notifying channel that has an
  // order to spare: this short day's only Square order is the poison message), all found by the catch-up pull.
  expect(first.catchUp.missed).toBeGreaterThanOrEqual(4);
  expect(first.catchUp.recovered).toBe(first.catchUp.missed);
  // The first store's Square till sales, each announced twice, moved its stock once (the store stock invariants above).
  expect(first.deliveries['till-sale']).toEqual({ '202': 4 });
  // The omnichannel part (the invariants above): a pickup collected with its code and one left to expire,
  // a store's rejected pick re-sourced, an order split across a store and the warehouse, a backorder
  // filled by a receipt and a transfer seen in transit; every order of the day released to its locations.
  const omnichannel = {
    pickupsCollected: 1,
    pickupsExpired: 1,
    resourced: 1,
    splitOrders: 1,
    backordersFilled: 1,
    transfersInTransit: 1,
  };
  expect(first.fulfilment).toMatchObject(omnichannel);
  expect(first.fulfilment.requests).toBeGreaterThan(first.ordersByState.posted_to_erp ?? 0);

  const second = await day(1);
  expect(second.violations).toEqual([]);
  expect(second.ordersByState).toEqual(first.ordersByState);
  expect(second.totalsDigest).toBe(first.totalsDigest);
  expect(second.fulfilment).toMatchObject(omnichannel);
}, 600_000);
