import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { replay } from '../../scripts/ops/replay';
import { postShopifyOrder, seedSampleCatalog, waitForOrder } from '../../scripts/sample/sample-traffic';
import { sampleShopifyOrder, seededRandom, shopifyDeliveryHeaders } from '../../scripts/sample/shopify-orders';
import { S3DeliveryArchive } from '#shared/adapters/raw-archive';
import { DEVELOPMENT_WEBHOOK_SECRETS } from '#shared/adapters/webhook-secrets';
import { orderIdFor } from '#domain/kernel/order';
import { eventually, startTestFabric } from './support/test-fabric';

let fabric: LocalFabric;
let archive: S3DeliveryArchive;
const secret = DEVELOPMENT_WEBHOOK_SECRETS.shopify;

beforeAll(async () => {
  fabric = await startTestFabric('replay');
  archive = new S3DeliveryArchive(fabric.resources.buckets.rawArchive);
  await seedSampleCatalog(fabric.resources.tables.crossReference);
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});

afterAll(async () => {
  await fabric?.stop();
});

/** What the webhook function archives before it parses anything; without a verdict, as when it stopped right after. */
async function archivedOnly(body: string, headers: Record<string, string>, receivedAt: string): Promise<void> {
  await archive.archiveDelivery({
    channel: 'shopify',
    requestId: `req-${receivedAt}`,
    receivedAt,
    headers,
    sizeBytes: body.length,
    bodyBase64: Buffer.from(body).toString('base64'),
  });
}

async function history(orderId: string): Promise<string[]> {
  const response = await fetch(`${fabric.apiUrl}/orders/${orderId}`);
  return response.status === 200
    ? ((await response.json()) as { history: { change: string }[] }).history.map((entry) => entry.change)
    : [];
}

describe('replay from the raw archive', () => {
  it('publishes again what verified deliveries carried, recovers one the webhook never finished, and changes nothing when run twice', async () => {
    const from = new Date(Date.now() - 60_000);
    const accepted = JSON.stringify(sampleShopifyOrder(7701, seededRandom(1)));
    const answer = await postShopifyOrder(fabric.apiUrl, accepted, shopifyDeliveryHeaders(accepted, secret));
    const acceptedId = String(answer.body.orderId);
    expect(await waitForOrder(fabric.apiUrl, acceptedId)).toBeDefined();
    const stranded = sampleShopifyOrder(7702, seededRandom(2));
    const strandedBody = JSON.stringify(stranded);
    await archivedOnly(strandedBody, shopifyDeliveryHeaders(strandedBody, secret), new Date().toISOString());
    const forgedBody = JSON.stringify(sampleShopifyOrder(7703, seededRandom(3)));
    const forged = await postShopifyOrder(
      fabric.apiUrl,
      forgedBody,
      shopifyDeliveryHeaders(forgedBody, 'not-the-secret'),
    );
    expect(forged.status).toBe(401);
    // The forged one is kept under unverified/, which a replay never reads: nothing to skip.
    const strandedId = orderIdFor('shopify', String(stranded.id));
    expect(await history(strandedId)).toEqual([]);
    const window = [
      '--from',
      from.toISOString(),
      '--to',
      new Date(Date.now() + 1000).toISOString(),
      '--channel',
      'shopify',
    ];

    const dryRun = await replay(fabric.resources, [...window, '--dry-run']);
    expect(dryRun).toEqual({ republished: 2, skipped: 0 });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await history(strandedId)).toEqual([]);

    expect(await replay(fabric.resources, window)).toEqual({ republished: 2, skipped: 0 });
    await eventually('the stranded order recorded', async () =>
      (await history(strandedId)).length ? true : undefined,
    );
    expect(await replay(fabric.resources, window)).toEqual({ republished: 2, skipped: 0 });
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(await history(strandedId)).toEqual(['created']);
    expect(await history(acceptedId)).toEqual(['created']);
  });

  it('refuses a window it cannot read, naming the option', async () => {
    await expect(replay(fabric.resources, ['--from', 'yesterday'])).rejects.toThrow('--from must be an ISO time');
  });
});
