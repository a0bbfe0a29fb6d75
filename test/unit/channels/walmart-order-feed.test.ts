import { WalmartOrdersApi } from '#shared/channels/walmart/walmart-api.client';
import { walmartOrderFeed } from '#shared/channels/walmart/order-feed';
import { walmartOrderMapper } from '#shared/channels/walmart/walmart-order.mapper';
import { readWalmartFixture } from '../../fixtures/walmart';
import { allPages, listing, stubCredentials, stubForFile } from './order-feed-stub';

const stub = stubForFile();
const feed = (pageSize = 2) =>
  walmartOrderFeed(new WalmartOrdersApi(stub().url, stubCredentials), { connector: 'walmart-orders', pageSize });

/** A purchase order placed at `placedAt` whose lines last changed status at the `lineStatusDates`. */
function putOrder(purchaseOrderId: string, placedAt: string, lineStatusDates: (string | undefined)[] = []) {
  const { order } = readWalmartFixture('get-order-multi-line-usd');
  order.purchaseOrderId = purchaseOrderId;
  order.orderDate = Date.parse(placedAt);
  order.orderLines.orderLine.forEach((line: Record<string, any>, i: number) => {
    if (lineStatusDates[i]) line.statusDate = Date.parse(lineStatusDates[i]!);
    else delete line.statusDate;
  });
  stub().walmart.orders.set(purchaseOrderId, order);
  return order;
}

describe('walmartOrderFeed', () => {
  beforeAll(() => {
    putOrder('4000000000001', '2026-04-01T09:00:00.000Z');
    putOrder('4000000000002', '2026-04-01T10:05:00.000Z');
    // Placed before the window, a line shipped inside it: last modified inside.
    putOrder('4000000000003', '2026-04-01T08:00:00.000Z', [undefined, '2026-04-01T10:20:00.000Z']);
    putOrder('4000000000004', '2026-04-01T10:10:00.000Z');
    putOrder('4000000000005', '2026-04-01T11:30:00.000Z');
  });

  it('lists the purchase orders last modified in the window, following meta.nextCursor page by page', async () => {
    const pages = await allPages(feed(), { from: '2026-04-01T10:00:00.000Z', to: '2026-04-01T11:00:00.000Z' });

    expect(listing(pages)).toEqual([
      ['4000000000002@2026-04-01T10:05:00.000Z', '4000000000004@2026-04-01T10:10:00.000Z'],
      ['4000000000003@2026-04-01T10:20:00.000Z'],
    ]);
    expect(pages[0].nextPage).toMatch(/^\?.*lastModifiedStartDate=/);
    expect(pages[1].nextPage).toBeUndefined();
  });

  it('asks by last-modified dates with the page size, then passes the cursor back as the whole query', async () => {
    const before = stub().requests.length;

    await allPages(feed(), { from: '2026-04-01T10:00:00.000Z', to: '2026-04-01T11:00:00.000Z' });

    const calls = stub()
      .requests.slice(before)
      .filter((call) => call.path.startsWith('/v3/orders?'));
    expect(Object.fromEntries(new URL(calls[0].path, 'http://stub').searchParams)).toEqual({
      lastModifiedStartDate: '2026-04-01T10:00:00.000Z',
      lastModifiedEndDate: '2026-04-01T11:00:00.000Z',
      limit: '2',
    });
    expect(new URL(calls[1].path, 'http://stub').searchParams.get('hasMoreElements')).toBe('true');
  });

  it("versions an order as the mapper does: the latest of its order date and its lines' status dates", async () => {
    const [page] = await allPages(feed(10), { from: '2026-04-01T10:15:00.000Z', to: '2026-04-01T10:30:00.000Z' });
    const [entry] = page.orders;

    expect(entry.kind).toBe('order');
    if (entry.kind !== 'order') return;
    expect(entry.version).toBe('2026-04-01T10:20:00.000Z');
    expect(walmartOrderMapper.toCanonicalOrder(entry.payload, () => 'SKU').channelUpdatedAt).toBe(entry.version);
  });

  it('returns a purchase order that does not parse as invalid under its purchaseOrderId', async () => {
    const broken = putOrder('4000000000099', '2026-04-02T10:00:00.000Z');
    delete broken.orderLines;
    putOrder('4000000000100', '2026-04-02T10:00:01.000Z');

    const [page] = await allPages(feed(), { from: '2026-04-02T09:00:00.000Z', to: '2026-04-02T11:00:00.000Z' });

    expect(listing([page])).toEqual([['4000000000099:invalid', '4000000000100@2026-04-02T10:00:01.000Z']]);
    expect(page.orders[0]).toMatchObject({
      kind: 'invalid',
      issues: [expect.objectContaining({ path: 'orderLines' })],
    });
  });
});
