import {
  budgetLabel,
  byAttention,
  type ChannelStatus,
  catchUpLabel,
  lagLabel,
  pendingLabel,
  type SubjectLag,
  subjectKind,
  subjectState,
} from '../../../console/src/view/channels';

const channel = (name: ChannelStatus['channel'], overrides: Partial<ChannelStatus> = {}): ChannelStatus => ({
  channel: name,
  subjects: 10,
  pending: 0,
  maxLagMs: 900,
  meanLagMs: 400,
  rateBudgets: [],
  failures: 0,
  ...overrides,
});

const published = {
  value: 4,
  version: 3,
  decidedAt: '2026-12-06T11:00:00Z',
  acknowledgedAt: '2026-12-06T11:00:01Z',
  lagMs: 1000,
};

describe('the Channels page', () => {
  it('lists channels with stalled figures first, then those with figures pending, then by name', () => {
    const sorted = byAttention([
      channel('woocommerce'),
      channel('ebay', { pending: 2 }),
      channel('shopify', { pending: 1, failures: 1 }),
      channel('amazon'),
    ]);

    expect(sorted.map((status) => status.channel)).toEqual(['shopify', 'ebay', 'amazon', 'woocommerce']);
  });

  it('writes a lag as a duration, and says so when nothing was published to have one', () => {
    expect(lagLabel(1500)).toBe('2 s');
    expect(lagLabel(null)).toBe('nothing published yet');
  });

  it('shows a rate budget as tokens left of its capacity, low under a fifth, naming the operation where a channel meters each', () => {
    expect(budgetLabel({ tokens: 87, capacity: 100, ratePerSecond: 5 })).toEqual({
      text: '87 of 100 left (5/s)',
      low: false,
      share: 0.87,
    });
    expect(budgetLabel({ operation: 'confirmShipment', tokens: 1, capacity: 10, ratePerSecond: 2 })).toMatchObject({
      text: 'confirmShipment: 1 of 10 left (2/s)',
      low: true,
    });
  });

  it('says when a pull connector last caught up, and up to when orders are in', () => {
    const now = new Date('2026-12-06T12:00:00Z');

    expect(catchUpLabel(undefined, now)).toBe('not pulled yet');
    expect(catchUpLabel({ connector: 'ebay-orders', at: '2026-12-06T11:55:00Z' }, now)).toBe(
      '5 min ago: no window finished yet',
    );
    expect(
      catchUpLabel({ connector: 'ebay-orders', at: '2026-12-06T11:55:00Z', upTo: '2026-12-06T11:54:30Z' }, now),
    ).toMatch(/^5 min ago: orders in up to /);
    const failing = {
      failures: 4,
      since: '2026-12-06T11:00:00Z',
      lastReason: 'shopify API answered 401',
      lastAt: '2026-12-06T11:45:00Z',
    };
    expect(
      catchUpLabel(
        { connector: 'shopify-orders', at: '2026-12-06T10:55:00Z', upTo: '2026-12-06T10:53:00Z', failing },
        now,
      ),
    ).toMatch(/^failing: 4 run\(s\) since .* \(shopify API answered 401\); 1 h 05 min ago: orders in up to /);
  });

  it('classifies a subject: stalled, pending, current, or never published', () => {
    const pending = { value: 7, version: 4, decidedAt: '2026-12-06T11:00:00Z', waitingMs: 62 * 60_000 };
    const row = (overrides: Partial<SubjectLag>): SubjectLag => ({
      subject: 'availability#SKU-1',
      sku: 'SKU-1',
      stalled: false,
      ...overrides,
    });

    expect(subjectState(row({ published, pending, stalled: true }))).toBe('stalled');
    expect(subjectState(row({ published, pending }))).toBe('pending');
    expect(subjectState(row({ published }))).toBe('current');
    expect(subjectState(row({}))).toBe('never published');
    expect(pendingLabel(row({ pending }))).toBe('7 (v4), waiting 1 h 02 min');
    expect(pendingLabel(row({ published }))).toBe('');
    expect(subjectKind(row({ subject: 'price#TEE-1@store-042' }))).toBe('price');
  });
});
