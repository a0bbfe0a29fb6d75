import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChannelApiStub } from '../../../scripts/channel-stubs/channel-api-stub';
import { WooCommerceRestApi } from '#shared/channels/woocommerce/inventory-api';
import { wooCommerceOrderFeed } from '#shared/channels/woocommerce/order-feed';
import { wooCommerceWebhookAdapter } from '#shared/channels/woocommerce/woocommerce-webhook.adapter';
import { readWooCommerceFixture } from '../../fixtures/woocommerce';
import { allPages, listing, stubCredentials, stubForFile } from './order-feed-stub';

const stub = stubForFile();
const feed = (pageSize = 2) =>
  wooCommerceOrderFeed(new WooCommerceRestApi(stub().url, stubCredentials, { channel: 'woocommerce' }), {
    connector: 'woocommerce-orders',
    pageSize,
  });

function putOrder(id: number, modifiedGmt: string, change: (order: Record<string, any>) => void = () => {}) {
  const order: Record<string, any> = {
    ...readWooCommerceFixture('order-multi-line-usd'),
    id,
    date_modified_gmt: modifiedGmt,
  };
  change(order);
  stub().orderListing.putWooCommerceOrder(order);
}

describe('wooCommerceOrderFeed', () => {
  beforeAll(() => {
    putOrder(7101, '2026-03-02T09:59:58');
    putOrder(7102, '2026-03-02T10:00:00');
    putOrder(7103, '2026-03-02T10:00:04');
    putOrder(7104, '2026-03-02T10:00:02');
    putOrder(7105, '2026-03-02T10:00:09');
    putOrder(7106, '2026-03-02T10:00:10');
  });

  it('lists the orders modified in the window oldest first, each page starting after the second before the last one listed, while X-WP-TotalPages says there are more', async () => {
    const pages = await allPages(feed(), { from: '2026-03-02T10:00:00.000Z', to: '2026-03-02T10:00:10.000Z' });

    expect(listing(pages)).toEqual([
      ['7102@2026-03-02T10:00:00', '7104@2026-03-02T10:00:02'],
      ['7104@2026-03-02T10:00:02', '7103@2026-03-02T10:00:04'],
      ['7103@2026-03-02T10:00:04', '7105@2026-03-02T10:00:09'],
    ]);
    expect(pages.at(-1)?.nextPage).toBeUndefined();
  });

  it('misses no order when one already listed is modified out of the window before the next page', async () => {
    for (const [id, second] of [
      [7401, '00'],
      [7402, '01'],
      [7403, '02'],
      [7404, '03'],
    ] as const)
      putOrder(id, `2026-03-04T10:00:${second}`);
    const window = { from: '2026-03-04T10:00:00.000Z', to: '2026-03-04T10:30:00.000Z' };
    const first = await feed().fetchPage(window, undefined);
    // The merchant edits the first order: it leaves the window, and page 2 by number would start at 7404.
    putOrder(7401, '2026-03-04T11:00:00');

    const rest = [];
    for (let page = first.nextPage; page; ) {
      const pulled = await feed().fetchPage(window, page);
      rest.push(pulled);
      page = pulled.nextPage;
    }

    expect(new Set([first, ...rest].flatMap((page) => page.orders.map((entry) => entry.channelOrderId)))).toEqual(
      new Set(['7401', '7402', '7403', '7404']),
    );
  });

  it('moves on by page number through a page whose orders were all modified in the same second', async () => {
    for (const id of [7501, 7502, 7503]) putOrder(id, '2026-03-05T10:00:00');

    const pages = await allPages(feed(), { from: '2026-03-05T09:00:00.000Z', to: '2026-03-05T11:00:00.000Z' });

    // The second page starts after 09:59:59 and finds the same two: from there on it is page 2 of that query.
    expect(listing(pages)).toEqual([
      ['7501@2026-03-05T10:00:00', '7502@2026-03-05T10:00:00'],
      ['7501@2026-03-05T10:00:00', '7502@2026-03-05T10:00:00'],
      ['7503@2026-03-05T10:00:00'],
    ]);
  });

  it('reads on while pages come back full when the answer lacks X-WP-TotalPages (a proxy that drops headers)', async () => {
    for (const [id, second] of [
      [7601, '00'],
      [7602, '01'],
      [7603, '02'],
    ] as const)
      putOrder(id, `2026-03-06T10:00:${second}`);
    const send = fetch;
    const api = new WooCommerceRestApi(stub().url, stubCredentials, {
      channel: 'woocommerce',
      fetch: async (input, init) => {
        const answer = await send(input, init);
        return new Response(await answer.text(), { status: answer.status });
      },
    });

    const pages = await allPages(wooCommerceOrderFeed(api, { connector: 'woocommerce-orders', pageSize: 2 }), {
      from: '2026-03-06T09:00:00.000Z',
      to: '2026-03-06T11:00:00.000Z',
    });

    expect(new Set(pages.flatMap((page) => page.orders.map((entry) => entry.channelOrderId)))).toEqual(
      new Set(['7601', '7602', '7603']),
    );
    expect(pages.at(-1)?.orders.length).toBeLessThan(2);
  });

  it('asks in GMT, sorted by modification, with the window widened to the whole seconds WooCommerce compares strictly', async () => {
    const before = stub().requests.length;

    await feed(50).fetchPage({ from: '2026-03-02T10:00:00.250Z', to: '2026-03-02T10:00:09.500Z' }, undefined);

    const [call] = stub().requests.slice(before);
    const query = new URL(call.path, 'http://stub').searchParams;
    expect(Object.fromEntries(query)).toEqual({
      modified_after: '2026-03-02T09:59:59',
      modified_before: '2026-03-02T10:00:10',
      dates_are_gmt: 'true',
      orderby: 'modified',
      order: 'asc',
      per_page: '50',
      page: '1',
    });
  });

  it('gives each order in the webhook shape, so the version is date_modified_gmt and the webhook mapper maps it', async () => {
    const [page] = await allPages(feed(), { from: '2026-03-02T10:00:04.000Z', to: '2026-03-02T10:00:05.000Z' });

    expect(page.orders).toEqual([
      {
        kind: 'order',
        channelOrderId: '7103',
        version: '2026-03-02T10:00:04',
        payload: expect.objectContaining({ id: 7103, total: readWooCommerceFixture('order-multi-line-usd').total }),
      },
    ]);
    expect(feed().mapper).toBe(wooCommerceWebhookAdapter.orders);
  });

  it('returns an order that does not parse as invalid under its id, the others as orders', async () => {
    putOrder(7201, '2026-03-03T08:00:00', (order) => {
      delete order.line_items;
    });
    putOrder(7202, '2026-03-03T08:00:01');

    const [page] = await allPages(feed(), { from: '2026-03-03T08:00:00.000Z', to: '2026-03-03T08:01:00.000Z' });

    expect(listing([page])).toEqual([['7201:invalid', '7202@2026-03-03T08:00:01']]);
    expect(page.orders[0]).toMatchObject({
      kind: 'invalid',
      issues: [expect.objectContaining({ path: 'line_items' })],
    });
  });

  it('reads an empty window as one page without a next', async () => {
    const pages = await allPages(feed(), { from: '2026-01-01T00:00:00.000Z', to: '2026-01-01T01:00:00.000Z' });

    expect(pages.map((page) => ({ orders: page.orders, next: page.nextPage }))).toEqual([
      { orders: [], next: undefined },
    ]);
  });
});

describe('the WooCommerce orders put in the channel API stub', () => {
  it('are kept in its state file across a restart, as its other orders are', async () => {
    const stateFile = join(mkdtempSync(join(tmpdir(), 'woo-orders-')), 'channel-apis.json');
    const before = new ChannelApiStub({ stateFile });
    before.orderListing.putWooCommerceOrder({ ...readWooCommerceFixture('order-cancelled-jpy'), id: 7301 });
    before.saveState();

    const after = new ChannelApiStub({ stateFile });

    expect(after.orderListing.wooCommerceOrders.get('7301')).toMatchObject({ id: 7301, status: 'cancelled' });
  });
});
