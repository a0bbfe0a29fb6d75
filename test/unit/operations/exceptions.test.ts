import type { ExceptionRecord } from '#domain/exceptions';
import type { OrderView } from '#domain/orders';
import {
  channelSkuKeyOf,
  exceptionDetail,
  excerptFields,
  listExceptions,
  type ExceptionReadPorts,
} from '#shared/operations/exceptions';

function record(overrides: Partial<ExceptionRecord> = {}): ExceptionRecord {
  return {
    id: 'OrderNeedsAttention#ord_1#MAPPING_ERROR',
    kind: 'OrderNeedsAttention',
    severity: 'warning',
    subject: { type: 'order', key: 'ord_1' },
    channel: 'shopify',
    orderId: 'ord_1',
    reasonCode: 'MAPPING_ERROR',
    reason: 'line_items.0.price: has more decimals than USD',
    fieldPaths: ['line_items.0.price'],
    fixes: ['reprocess', 'dismiss'],
    status: 'open',
    count: 1,
    firstSeenAt: '2026-12-06T10:00:00.000Z',
    lastSeenAt: '2026-12-06T10:00:00.000Z',
    context: { channelOrderId: '1001', archiveKey: 'webhooks/shopify/2026/12/06/10/x' },
    actions: [],
    eventIds: ['evt-1'],
    version: 1,
    ...overrides,
  };
}

const heldView: OrderView = {
  orderId: 'ord_1',
  status: 'needs_attention',
  held: {
    orderId: 'ord_1',
    channel: 'shopify',
    channelOrderId: '1001',
    reason: 'MAPPING_ERROR',
    details: [{ path: 'line_items.0.price', message: 'has more decimals than USD' }],
    archiveKey: 'webhooks/shopify/2026/12/06/10/x',
    heldAt: '2026-12-06T10:00:00.000Z',
  },
  history: [],
};

function ports(found: { record?: ExceptionRecord; view?: OrderView; body?: string }): ExceptionReadPorts & {
  archiveReads: string[];
} {
  const archiveReads: string[] = [];
  return {
    archiveReads,
    store: { get: async () => found.record, list: async () => [] },
    orders: { viewOrder: async () => found.view },
    archive: {
      entryAt: async (key: string) => {
        archiveReads.push(key);
        return found.body === undefined
          ? undefined
          : {
              key,
              delivery: {
                channel: 'shopify',
                requestId: 'r',
                receivedAt: '2026-12-06T10:00:00.000Z',
                headers: {},
                sizeBytes: found.body.length,
                bodyBase64: Buffer.from(found.body).toString('base64'),
              },
            };
      },
    },
    skus: { resolveSkus: async () => new Map([['sku:TEE-X', 'APP-TEE']]) },
  };
}

describe('the payload excerpt', () => {
  it('follows dotted paths through objects and arrays, giving each field the array element it sits on', () => {
    const payload = { line_items: [{ sku: 'TEE', price: '24.001' }], total_price: '24.00' };

    expect(excerptFields(payload, ['line_items.0.price', 'total_price'])).toEqual([
      { path: 'line_items.0.price', value: '24.001', line: { sku: 'TEE', price: '24.001' } },
      { path: 'total_price', value: '24.00' },
    ]);
  });

  it('leaves out paths that lead nowhere, and does not follow inherited properties', () => {
    expect(excerptFields({ lines: [] }, ['(order)', 'lines.3.sku', 'lines.length', 'constructor', 'lines.x'])).toEqual(
      [],
    );
  });

  it('cuts a value too long to read, whatever its shape', () => {
    const [field] = excerptFields({ note: 'x'.repeat(5000) }, ['note']);

    expect(String(field?.value)).toHaveLength(2001);
    expect(String(field?.value).endsWith('…')).toBe(true);
  });
});

describe('an exception in detail', () => {
  it('reads a held order’s failing field from the archived delivery when no stored order holds it, and says what it holds back', async () => {
    const reads = ports({
      record: record(),
      view: heldView,
      body: JSON.stringify({ line_items: [{ sku: 'TEE', price: '24.001' }] }),
    });

    const detail = await exceptionDetail(reads, 'any');

    expect(detail).toMatchObject({
      payload: {
        source: 'archived-delivery',
        archiveKey: 'webhooks/shopify/2026/12/06/10/x',
        fields: [{ path: 'line_items.0.price', value: '24.001' }],
      },
      blocks: { orderId: 'ord_1', status: 'needs_attention', channelOrderId: '1001', waitingLines: [] },
      skusToMap: [],
    });
    expect(detail).not.toHaveProperty('eventIds');
    expect(detail).not.toHaveProperty('version');
  });

  it('reads the failing field from the stored order without going to the archive, and lists the SKUs waited for with their mapping', async () => {
    const order = {
      orderId: 'ord_1',
      channel: 'shopify',
      channelOrderId: '1001',
      totals: { total: { amountMinor: 2400, currency: 'USD' } },
      lines: [{ lineId: '1', sku: null, channelSku: 'TEE-X', quantity: 2 }],
    } as unknown as NonNullable<OrderView['order']>;
    const reads = ports({
      record: record({
        reasonCode: 'UNKNOWN_SKU',
        fieldPaths: ['lines.0.channelSku'],
        fixes: ['map-sku', 'reprocess', 'dismiss'],
        context: { archiveKey: 'webhooks/x', channelSkus: ['sku:TEE-X', 'variant:4900'] },
      }),
      view: { orderId: 'ord_1', status: 'needs_attention', channelStatus: 'needs_attention', order, history: [] },
    });

    const detail = await exceptionDetail(reads, 'any');

    expect(reads.archiveReads).toEqual([]);
    expect(detail).toMatchObject({
      payload: { source: 'order', fields: [{ path: 'lines.0.channelSku', value: 'TEE-X' }] },
      blocks: { total: { amountMinor: 2400, currency: 'USD' }, waitingLines: [{ channelSku: 'TEE-X', quantity: 2 }] },
      skusToMap: [
        { channel: 'shopify', channelSku: 'TEE-X', mappedTo: 'APP-TEE' },
        { channel: 'shopify', channelSku: 'variant:4900' },
      ],
    });
  });

  it('shows no excerpt when the archived body is not JSON, and nothing for an unknown id', async () => {
    expect(
      await exceptionDetail(ports({ record: record(), view: heldView, body: '<order/>' }), 'any'),
    ).not.toHaveProperty('payload');
    expect(await exceptionDetail(ports({}), 'nope')).toBeUndefined();
  });
});

describe('the work queue list', () => {
  it('narrows by channel and by age since first seen, as summaries', async () => {
    const rows = [
      record({ id: 'old-shopify', firstSeenAt: '2026-12-06T08:00:00.000Z' }),
      record({ id: 'new-shopify', firstSeenAt: '2026-12-06T11:30:00.000Z' }),
      record({ id: 'old-amazon', channel: 'amazon', firstSeenAt: '2026-12-06T08:00:00.000Z' }),
    ];
    const store = { list: async () => rows };
    const now = new Date('2026-12-06T12:00:00.000Z');

    const listed = await listExceptions(store, { channel: 'shopify', olderThanMinutes: 60 }, now);

    expect(listed.map((row) => row.id)).toEqual(['old-shopify']);
    expect(listed[0]).not.toHaveProperty('context');
    expect(listed[0]).not.toHaveProperty('actions');
  });
});

describe('channel SKU keys', () => {
  it('reads the map-sku form and the cross-reference key id alike', () => {
    expect(channelSkuKeyOf('TEE-X')).toEqual({ channelSku: 'TEE-X' });
    expect(channelSkuKeyOf('sku:TEE-X')).toEqual({ channelSku: 'TEE-X' });
    expect(channelSkuKeyOf('variant:4900')).toEqual({ channelSku: '', variantId: '4900' });
  });
});
