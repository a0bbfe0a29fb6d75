import {
  erpDocumentState,
  lifecycleEntries,
  lineSku,
  type OrderDetail,
  orderHeader,
  orderWanted,
  searchDestination,
  stateLabel,
  timeline,
} from '../../../console/src/view/orders';
import { balancedOrder, money } from '../builders';

/** The event a lifecycle move or refusal came from, and when it was recorded. */
const recorded = (eventId: string, recordedAt: string) => ({ key: eventId, eventId, recordedAt });

function detail(overrides: Partial<OrderDetail> = {}): OrderDetail {
  return {
    orderId: 'ord_abc',
    status: 'posted_to_erp',
    channelStatus: 'received',
    order: balancedOrder({ placedAt: '2026-12-06T09:00:00.000Z' }),
    history: [],
    erpDocuments: [],
    ...overrides,
  };
}

const search = { by: 'order' as const, orderId: '', channel: 'shopify', channelOrderId: '', sku: '' };

describe('the order search', () => {
  it('opens an order by its id, a channel order by the channel and its id, and lists the orders of a SKU', () => {
    expect(searchDestination({ ...search, orderId: ' ord_abc ' })).toEqual({ hash: '#/orders/ord_abc' });
    expect(searchDestination({ ...search, by: 'channel', channel: 'amazon', channelOrderId: '113-1/2' })).toEqual({
      hash: '#/orders/by-channel/amazon/113-1%2F2',
    });
    expect(searchDestination({ ...search, by: 'sku', sku: 'HOME-MUG-010-WHT' })).toEqual({
      hash: '#/orders?sku=HOME-MUG-010-WHT',
    });
  });

  it('names the field that is missing instead of searching for nothing', () => {
    expect(searchDestination(search)).toEqual({ field: 'orderId', problem: 'Enter the order id.' });
    expect(searchDestination({ ...search, by: 'channel', channel: 'myspace', channelOrderId: '1' })).toMatchObject({
      field: 'channel',
    });
    expect(searchDestination({ ...search, by: 'channel' })).toMatchObject({ field: 'channelOrderId' });
    expect(searchDestination({ ...search, by: 'sku', sku: '  ' })).toMatchObject({ field: 'sku' });
  });

  it("reads from the page's path which order is wanted", () => {
    expect(orderWanted([])).toBeUndefined();
    expect(orderWanted(['ord_abc'])).toEqual({ orderId: 'ord_abc' });
    expect(orderWanted(['by-channel', 'amazon', '113-1/2'])).toEqual({ channel: 'amazon', channelOrderId: '113-1/2' });
  });
});

describe('the order view', () => {
  it('heads the order with its channel number, its standing, the channel status beside it, and its total as money', () => {
    expect(orderHeader(detail())).toEqual({
      channel: 'shopify',
      channelOrder: '#1001',
      status: 'posted to ERP',
      channelStatus: 'received',
      total: money(5623),
      placedAt: '2026-12-06T09:00:00.000Z',
    });
  });

  it('heads a held order with no canonical order from its hold: no total to show', () => {
    const held = detail({
      status: 'needs_attention',
      order: undefined,
      channelStatus: undefined,
      held: {
        orderId: 'ord_abc',
        channel: 'woocommerce',
        channelOrderId: '5501',
        reason: 'MAPPING_ERROR',
        details: [],
        heldAt: '2026-12-06T09:00:00.000Z',
      },
    });

    expect(orderHeader(held)).toEqual({ channel: 'woocommerce', channelOrder: '5501', status: 'needs attention' });
  });

  it('shows a line waiting for its SKU as the channel SKU, marked unmapped', () => {
    expect(lineSku({ channelSku: 'TEE-X', sku: null })).toEqual({ text: 'UNMAPPED TEE-X', unmapped: true });
    expect(lineSku({ channelSku: 'TEE-X', sku: 'APP-TEE' })).toEqual({ text: 'APP-TEE', unmapped: false });
  });

  it('lists lifecycle moves and refusals together, oldest first', () => {
    const entries = lifecycleEntries({
      state: 'shipped',
      version: 3,
      moves: [
        {
          ...recorded('ev-1', '2026-12-06T09:00:01.000Z'),
          from: 'none',
          to: 'received',
          on: 'order_received',
          version: 1,
        },
        {
          ...recorded('ev-3', '2026-12-06T09:00:03.000Z'),
          from: 'received',
          to: 'reserved',
          on: 'stock_reserved',
          version: 2,
        },
      ],
      refusals: [
        {
          from: 'received',
          to: 'cancelled',
          on: 'order_cancelled',
          reason: 'already shipped',
          ...recorded('ev-2', '2026-12-06T09:00:02.000Z'),
        },
      ],
    });

    expect(entries.map((entry) => [entry.to, entry.refused])).toEqual([
      ['received', undefined],
      ['cancelled', 'already shipped'],
      ['reserved', undefined],
    ]);
  });

  it('says where an ERP document stands', () => {
    const document = { erp: 'business-central', documentType: 'sales_order' as const, key: 'ord_abc' };

    expect(erpDocumentState({ ...document, erpDocumentNumber: 'SO-1001', erpDocumentId: 'x' })).toBe(
      'posted as SO-1001',
    );
    expect(erpDocumentState({ ...document, postingUntil: '2026-12-06T09:01:00.000Z' })).toBe('being posted');
    expect(erpDocumentState(document)).toBe('not posted');
  });

  it('names states as people say them', () => {
    expect(stateLabel('posted_to_erp')).toBe('posted to ERP');
    expect(stateLabel('partially_shipped')).toBe('partially shipped');
  });
});

describe('the trace timeline', () => {
  it('gives each step its offset from the start and the wait since the step before, and marks failed attempts', () => {
    const steps = timeline({
      orderId: 'ord_abc',
      steps: [
        { at: '2026-12-06T09:00:00.000Z', sinceStartMs: 0, what: 'order created (received)' },
        {
          at: '2026-12-06T09:00:01.500Z',
          sinceStartMs: 1500,
          what: 'OrderReceived failed at fabric-erp-sales-order-posting after 1500 ms: ERP unavailable',
        },
        {
          at: '2026-12-06T09:01:01.500Z',
          sinceStartMs: 61_500,
          what: 'OrderReceived handled at fabric-erp-sales-order-posting after 61500 ms (attempt 2)',
        },
      ],
    });

    expect(steps.map(({ offset, gap, failed }) => ({ offset, gap, failed }))).toEqual([
      { offset: '+0 ms', gap: '', failed: false },
      { offset: '+2 s', gap: '+2 s', failed: true },
      { offset: '+1 min', gap: '+1 min', failed: false },
    ]);
  });
});
