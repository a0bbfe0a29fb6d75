import { SquareOrdersApi } from '#shared/channels/square/square-api.client';
import { squareOrderFeed } from '#shared/channels/square/order-feed';
import { readSquareFixture } from '../../fixtures/square';
import { allPages, listing, stubCredentials, stubForFile } from './order-feed-stub';

const stub = stubForFile();
const feed = (pageSize = 2) =>
  squareOrderFeed(new SquareOrdersApi(stub().url, stubCredentials), { connector: 'square-orders', pageSize });

function putOrder(
  id: string,
  locationId: string,
  updatedAt: string,
  change: (order: Record<string, any>) => void = () => {},
) {
  const { order } = readSquareFixture('retrieve-order-online-multi-line-usd');
  Object.assign(order, { id, location_id: locationId, updated_at: updatedAt, version: 3 });
  change(order);
  stub().square.orders.set(id, order);
}

describe('squareOrderFeed', () => {
  beforeAll(() => {
    // Eleven locations: SearchOrders takes ten a request, so the window is searched in two groups.
    for (let n = 1; n <= 11; n += 1)
      putOrder(`SQ-OLD-${n}`, `LOC${String(n).padStart(2, '0')}`, '2026-05-01T08:00:00Z');
    putOrder('SQ-A', 'LOC01', '2026-05-01T10:01:00Z');
    putOrder('SQ-B', 'LOC05', '2026-05-01T10:03:00Z');
    putOrder('SQ-C', 'LOC01', '2026-05-01T10:02:00Z');
    putOrder('SQ-D', 'LOC11', '2026-05-01T10:04:00Z');
    putOrder('SQ-LATE', 'LOC01', '2026-05-01T11:30:00Z');
  });

  it("searches every location, ten a request, by updated_at in the window, following Square's cursor", async () => {
    const pages = await allPages(feed(), { from: '2026-05-01T10:00:00.000Z', to: '2026-05-01T11:00:00.000Z' });

    expect(listing(pages)).toEqual([['SQ-A@3', 'SQ-C@3'], ['SQ-B@3'], ['SQ-D@3']]);
    expect(pages.at(-1)?.nextPage).toBeUndefined();
  });

  it('asks for complete orders sorted by UPDATED_AT, filtered on updated_at, with the same query on every page', async () => {
    const searches: unknown[] = [];
    const api = new SquareOrdersApi(stub().url, stubCredentials);
    const search = api.searchOrders.bind(api);
    api.searchOrders = async (request) => {
      searches.push(request);
      return search(request);
    };

    await allPages(squareOrderFeed(api, { connector: 'square-orders', pageSize: 2 }), {
      from: '2026-05-01T10:00:00.000Z',
      to: '2026-05-01T11:00:00.000Z',
    });

    const query = {
      filter: {
        date_time_filter: { updated_at: { start_at: '2026-05-01T10:00:00.000Z', end_at: '2026-05-01T11:00:00.000Z' } },
      },
      sort: { sort_field: 'UPDATED_AT', sort_order: 'ASC' },
    };
    const tenLocations = Array.from({ length: 10 }, (_, i) => `LOC${String(i + 1).padStart(2, '0')}`);
    expect(searches).toEqual([
      { location_ids: tenLocations, query, limit: 2, return_entries: false },
      { location_ids: tenLocations, query, limit: 2, return_entries: false, cursor: expect.any(String) },
      { location_ids: ['LOC11'], query, limit: 2, return_entries: false },
    ]);
  });

  it("versions an order by Square's version, or by updated_at when it has none, and leaves a DRAFT for later", async () => {
    putOrder('SQ-NOVERSION', 'LOC02', '2026-05-02T10:00:00Z', (order) => {
      delete order.version;
    });
    putOrder('SQ-DRAFT', 'LOC02', '2026-05-02T10:00:01Z', (order) => {
      order.state = 'DRAFT';
    });
    putOrder('SQ-V7', 'LOC02', '2026-05-02T10:00:02Z', (order) => {
      order.version = 7;
    });

    const pages = await allPages(feed(10), { from: '2026-05-02T09:00:00.000Z', to: '2026-05-02T11:00:00.000Z' });

    expect(listing(pages).flat()).toEqual(['SQ-NOVERSION@2026-05-02T10:00:00Z', 'SQ-V7@7']);
  });

  it('returns an order that does not parse as invalid under its id', async () => {
    putOrder('SQ-BROKEN', 'LOC03', '2026-05-03T10:00:00Z', (order) => {
      delete order.line_items;
    });

    const pages = await allPages(feed(10), { from: '2026-05-03T09:00:00.000Z', to: '2026-05-03T11:00:00.000Z' });

    expect(listing(pages).flat()).toEqual(['SQ-BROKEN:invalid']);
    expect(pages[0].orders[0]).toMatchObject({ issues: [expect.objectContaining({ path: 'line_items' })] });
  });
});
