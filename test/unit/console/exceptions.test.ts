import {
  type ExceptionDetail,
  type ExceptionRow,
  excerptSource,
  excerptText,
  facetChoices,
  internalSkuFrom,
  mappingSummary,
  narrowQueue,
  offeredFixes,
  queueApiQuery,
  queueFilterQuery,
  queueFiltersFrom,
  reasonFrom,
  severityCounts,
  channelOf,
  aboutLabel,
} from '../../../console/src/view/exceptions';

function row(overrides: Partial<ExceptionRow> = {}): ExceptionRow {
  return {
    id: 'OrderNeedsAttention#ord_1#UNKNOWN_SKU',
    kind: 'OrderNeedsAttention',
    severity: 'warning',
    status: 'open',
    channel: 'shopify',
    orderId: 'ord_1',
    subject: { type: 'order', key: 'ord_1' },
    reasonCode: 'UNKNOWN_SKU',
    reason: 'lines.0.channelSku: "TEE-X" is not in the cross-reference',
    fieldPaths: ['lines.0.channelSku'],
    fixes: ['map-sku', 'reprocess', 'dismiss'],
    count: 1,
    firstSeenAt: '2026-12-06T10:00:00.000Z',
    lastSeenAt: '2026-12-06T10:00:00.000Z',
    ...overrides,
  };
}

function detail(overrides: Partial<ExceptionDetail> = {}): ExceptionDetail {
  return {
    ...row(),
    channel: 'shopify',
    context: {},
    actions: [],
    skusToMap: [{ channel: 'shopify', channelSku: 'TEE-X' }],
    ...overrides,
  };
}

describe('the work queue filters', () => {
  it('opens on the open exceptions of any age, kind and channel', () => {
    expect(queueFiltersFrom(new URLSearchParams())).toEqual({
      status: 'open',
      olderThanMinutes: '',
      kind: '',
      channel: '',
    });
  });

  it('reads the filters a link carries and ignores values the page does not offer', () => {
    expect(
      queueFiltersFrom(
        new URLSearchParams('status=dismissed&olderThanMinutes=1440&kind=OversellIncident&channel=amazon'),
      ),
    ).toEqual({ status: 'dismissed', olderThanMinutes: '1440', kind: 'OversellIncident', channel: 'amazon' });
    expect(queueFiltersFrom(new URLSearchParams('status=deleted&olderThanMinutes=7'))).toMatchObject({
      status: 'open',
      olderThanMinutes: '',
    });
  });

  it('writes only what differs from the default into the link, and round-trips through it', () => {
    const filters = { status: 'all' as const, olderThanMinutes: '60', kind: '', channel: 'pos' };

    const query = queueFilterQuery(filters);

    expect(query).toEqual({ status: 'all', olderThanMinutes: '60', channel: 'pos' });
    expect(queueFiltersFrom(new URLSearchParams(query))).toEqual(filters);
    expect(queueFilterQuery(queueFiltersFrom(new URLSearchParams()))).toEqual({});
  });

  it('asks the API for the status and age, and for every status when any is chosen', () => {
    expect(queueApiQuery({ status: 'open', olderThanMinutes: '1440', kind: 'X', channel: 'shopify' })).toEqual({
      status: 'open',
      olderThanMinutes: '1440',
    });
    expect(queueApiQuery({ status: 'all', olderThanMinutes: '', kind: '', channel: '' })).toEqual({
      status: undefined,
      olderThanMinutes: undefined,
    });
  });

  it('offers each kind and channel the queue holds with its count, most first, keeping the chosen one listed', () => {
    const rows = [
      row({ id: 'a' }),
      row({ id: 'b', kind: 'OrderStuck', channel: null }),
      row({ id: 'c', kind: 'OrderStuck', channel: null }),
    ];

    expect(facetChoices(rows, (each) => each.kind, '')).toEqual([
      { value: 'OrderStuck', count: 2 },
      { value: 'OrderNeedsAttention', count: 1 },
    ]);
    expect(facetChoices(rows, channelOf, 'amazon')).toEqual([
      { value: 'none', count: 2 },
      { value: 'shopify', count: 1 },
      { value: 'amazon', count: 0 },
    ]);
  });

  it('narrows the rows by kind and channel, an exception about no channel under none, keeping their order', () => {
    const rows = [
      row({ id: 'a' }),
      row({ id: 'b', kind: 'ErpPostingRejected', channel: null }),
      row({ id: 'c', channel: 'amazon' }),
    ];

    expect(narrowQueue(rows, { status: 'open', olderThanMinutes: '', kind: '', channel: '' }).map((r) => r.id)).toEqual(
      ['a', 'b', 'c'],
    );
    expect(
      narrowQueue(rows, { status: 'open', olderThanMinutes: '', kind: 'OrderNeedsAttention', channel: 'amazon' }).map(
        (r) => r.id,
      ),
    ).toEqual(['c']);
    expect(
      narrowQueue(rows, { status: 'open', olderThanMinutes: '', kind: '', channel: 'none' }).map((r) => r.id),
    ).toEqual(['b']);
  });

  it('counts the rows by severity, most severe first, leaving out severities with none', () => {
    expect(severityCounts([row(), row({ severity: 'critical' }), row()])).toEqual([
      { severity: 'critical', count: 1 },
      { severity: 'warning', count: 2 },
    ]);
  });

  it('says what an exception is about in words', () => {
    expect(aboutLabel(row({ subject: { type: 'pos-transaction', key: 'store-042/R1/2026-12-06/7' } }))).toBe(
      'pos transaction store-042/R1/2026-12-06/7',
    );
  });
});

describe('the fixes an exception offers', () => {
  it('offers an operator a form per channel SKU still unmapped, retry and dismiss while the exception is open', () => {
    const waiting = detail({
      skusToMap: [
        { channel: 'shopify', channelSku: 'TEE-X' },
        { channel: 'shopify', channelSku: 'variant:49000', mappedTo: 'APP-TEE' },
      ],
    });

    expect(offeredFixes(waiting, true)).toEqual({
      mapSkus: [{ channel: 'shopify', channelSku: 'TEE-X' }],
      retry: true,
      dismiss: true,
      cancelOnChannel: false,
    });
  });

  it('offers a viewer nothing, and an operator nothing once the exception is closed', () => {
    const none = { mapSkus: [], retry: false, dismiss: false, cancelOnChannel: false };

    expect(offeredFixes(detail(), false)).toEqual(none);
    expect(offeredFixes(detail({ status: 'resolved' }), true)).toEqual(none);
    expect(offeredFixes(detail({ status: 'dismissed' }), true)).toEqual(none);
  });

  it('offers the retry of an ERP rejection and tells to cancel an oversold order on its channel', () => {
    expect(offeredFixes(detail({ fixes: ['retry', 'dismiss'], skusToMap: [] }), true)).toMatchObject({
      retry: true,
      mapSkus: [],
    });
    expect(offeredFixes(detail({ fixes: ['cancel-order', 'dismiss'], skusToMap: [] }), true)).toMatchObject({
      retry: false,
      cancelOnChannel: true,
    });
  });

  it('sends a trimmed internal SKU and a trimmed reason, and says what is missing instead of sending nothing', () => {
    expect(internalSkuFrom('  HOME-MUG-010-WHT ')).toEqual({ sku: 'HOME-MUG-010-WHT' });
    expect(internalSkuFrom('   ')).toEqual({ problem: expect.stringContaining('internal SKU') });
    expect(reasonFrom(' duplicate of #1001 ')).toEqual({ reason: 'duplicate of #1001' });
    expect(reasonFrom('')).toEqual({ problem: expect.stringContaining('audit trail') });
    expect(reasonFrom('x'.repeat(1001))).toEqual({ problem: expect.stringContaining('1,000') });
  });

  it('sums up a SKU mapping: what was mapped, what went through again, what still needs a person', () => {
    const mapped = { channel: 'shopify' as const, channelSku: 'TEE-X', sku: 'APP-TEE' };

    expect(mappingSummary({ ...mapped, reprocessed: [{ id: 'a', outcome: 'republished' }], left: [] })).toBe(
      'shopify TEE-X now maps to APP-TEE. 1 held item was sent through again.',
    );
    expect(mappingSummary({ ...mapped, reprocessed: [], left: [{ id: 'b' }, { id: 'c' }] })).toBe(
      'shopify TEE-X now maps to APP-TEE. Nothing was waiting for it. 2 exceptions need a person still.',
    );
  });
});

describe('the payload excerpt', () => {
  it('says where the values come from', () => {
    expect(excerptSource({ source: 'order', fields: [] })).toBe('From the order as the fabric stored it');
    expect(excerptSource({ source: 'archived-delivery', archiveKey: 'webhooks/shopify/x', fields: [] })).toBe(
      'From the delivery as the channel sent it (archived as webhooks/shopify/x)',
    );
  });

  it('writes values as JSON, so a price sent as a string shows its quotes', () => {
    expect(excerptText('24.001')).toBe('"24.001"');
    expect(excerptText(null)).toBe('null');
    expect(excerptText({ sku: 'TEE' })).toBe('{\n  "sku": "TEE"\n}');
  });
});
