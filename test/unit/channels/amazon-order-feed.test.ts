import { AmazonOrdersApi } from '#shared/channels/amazon/amazon-api.client';
import { amazonOrderFeed } from '#shared/channels/amazon/order-feed';
import { TokenBucket } from '#shared/channels/channel-http';
import { DEVELOPMENT_API_CREDENTIALS } from '#shared/channels/channel-credentials';
import { readAmazonFixture } from '../../fixtures/amazon';
import { allPages, listing, stubCredentials, stubForFile } from './order-feed-stub';

const stub = stubForFile();
const api = (http = {}) => new AmazonOrdersApi(stub().url, `${stub().url}/auth/o2/token`, stubCredentials, http);
const feed = (pageSize = 2, client = api()) => amazonOrderFeed(client, { connector: 'amazon-orders', pageSize });

/** An order updated at `updatedAt`, with the fixture's items (three, so getOrderItems pages twice). */
function putOrder(id: string, updatedAt: string, change: (order: Record<string, any>) => void = () => {}) {
  const { order, items } = readAmazonFixture('order-us-multi-line');
  Object.assign(order, { AmazonOrderId: id, LastUpdateDate: updatedAt });
  change(order);
  const third = { ...items[1], OrderItemId: `${items[1].OrderItemId}-3` };
  stub().amazon.orders.set(id, { order, items: [...items, third] });
}

describe('amazonOrderFeed', () => {
  beforeAll(() => {
    putOrder('111-0000000-0000001', '2026-06-01T10:01:00Z');
    putOrder('111-0000000-0000002', '2026-06-01T10:03:00Z');
    putOrder('111-0000000-0000003', '2026-06-01T10:02:00Z');
    putOrder('111-0000000-0000004', '2026-06-01T12:00:00Z');
  });

  it('lists the orders updated in the window by NextToken, each with every page of its items, versioned by LastUpdateDate', async () => {
    const pages = await allPages(feed(), { from: '2026-06-01T10:00:00.000Z', to: '2026-06-01T11:00:00.000Z' });

    expect(listing(pages)).toEqual([
      ['111-0000000-0000001@2026-06-01T10:01:00Z', '111-0000000-0000003@2026-06-01T10:02:00Z'],
      ['111-0000000-0000002@2026-06-01T10:03:00Z'],
    ]);
    const [first] = pages[0].orders;
    expect(first.kind === 'order' && first.payload.items).toHaveLength(3);
    // The seller the credentials act for, as the ORDER_CHANGE notification names it on the fetch path.
    expect(first.kind === 'order' && first.payload.sellerId).toBe(DEVELOPMENT_API_CREDENTIALS.amazon!.sellerId);
  });

  it("asks in the seller's marketplace by LastUpdatedAfter/LastUpdatedBefore, then by NextToken alone", async () => {
    const before = stub().requests.length;

    await allPages(feed(), { from: '2026-06-01T10:00:00.000Z', to: '2026-06-01T11:00:00.000Z' });

    const searches = stub()
      .requests.slice(before)
      .filter((call) => call.path.startsWith('/orders/v0/orders?'))
      .map((call) => Object.fromEntries(new URL(call.path, 'http://stub').searchParams));
    expect(searches).toEqual([
      {
        MarketplaceIds: 'ATVPDKIKX0DER',
        LastUpdatedAfter: '2026-06-01T10:00:00.000Z',
        LastUpdatedBefore: '2026-06-01T11:00:00.000Z',
        MaxResultsPerPage: '2',
      },
      { MarketplaceIds: 'ATVPDKIKX0DER', NextToken: expect.any(String) },
    ]);
  });

  it('leaves a Pending order (no prices yet) for its next version, without asking for its items', async () => {
    putOrder('111-0000000-0000010', '2026-06-02T10:00:00Z', (order) => {
      order.OrderStatus = 'Pending';
    });
    putOrder('111-0000000-0000011', '2026-06-02T10:00:01Z');
    const before = stub().requests.length;

    const pages = await allPages(feed(10), { from: '2026-06-02T09:00:00.000Z', to: '2026-06-02T11:00:00.000Z' });

    expect(listing(pages)).toEqual([['111-0000000-0000011@2026-06-02T10:00:01Z']]);
    expect(
      stub()
        .requests.slice(before)
        .filter((call) => call.path.includes('111-0000000-0000010')),
    ).toEqual([]);
  });

  it('returns an order, or an order whose items, do not parse as invalid under its AmazonOrderId', async () => {
    putOrder('111-0000000-0000020', '2026-06-03T10:00:00Z', (order) => {
      delete order.PurchaseDate;
    });
    putOrder('111-0000000-0000021', '2026-06-03T10:00:01Z');
    stub().amazon.orders.get('111-0000000-0000021')!.items[0] = { OrderItemId: 'no-asin' };

    const pages = await allPages(feed(10), { from: '2026-06-03T09:00:00.000Z', to: '2026-06-03T11:00:00.000Z' });

    expect(listing(pages)).toEqual([['111-0000000-0000020:invalid', '111-0000000-0000021:invalid']]);
    expect(pages[0].orders[0]).toMatchObject({ issues: [expect.objectContaining({ path: 'PurchaseDate' })] });
  });

  it('waits for usage-plan tokens through a page of more orders than the burst allows, rather than failing', async () => {
    for (let n = 0; n < 20; n += 1) putOrder(`112-0000000-${String(n).padStart(7, '0')}`, '2026-06-04T10:00:00Z');
    let clock = 0;
    const waited: number[] = [];
    // getOrderItems' plan (0.5/s, burst 30) on a clock the test moves: 20 orders need 40 item pages.
    const bucket = new TokenBucket(
      0.5,
      30,
      () => clock,
      async (ms) => {
        waited.push(ms);
        clock += ms;
      },
    );

    const pages = await allPages(feed(100, api({ bucket })), {
      from: '2026-06-04T09:00:00.000Z',
      to: '2026-06-04T11:00:00.000Z',
    });

    expect(listing(pages)[0]).toHaveLength(20);
    expect(pages[0].orders.every((entry) => entry.kind === 'order')).toBe(true);
    expect(waited.length).toBeGreaterThan(0);
    expect(clock).toBeGreaterThanOrEqual(((1 + 40 - 30) / 0.5) * 1000 - 1000);
  });
});
