import { cellTiming, drainedTat, takeToken } from '#domain/kernel/rate-limit';
import type { PublicationRecord } from '#domain/channel-sync';
import { STALLED_AFTER_MS, lagFigures, subjectLag, tokensLeft, worstFirst } from '#shared/operations/channels';

const limit = { ratePerSecond: 5, burst: 100 };
const now = Date.parse('2026-12-06T12:00:00Z');
const iso = (msBefore: number) => new Date(now - msBefore).toISOString();

const record = (sku: string, overrides: Partial<PublicationRecord> = {}): PublicationRecord => ({
  channel: 'shopify',
  subject: `availability#${sku}`,
  sku,
  ...overrides,
});
const published = (lagMs: number, version = 1) => ({
  version,
  value: 4,
  eventTime: iso(60_000),
  publishedAt: iso(60_000 - lagMs),
  acknowledgedAt: iso(60_000 - lagMs),
});

describe('a rate budget read from its token bucket', () => {
  it('is full when the bucket was never used or has been idle', () => {
    expect(tokensLeft(undefined, limit, now)).toBe(100);
    expect(tokensLeft(now - 1, limit, now)).toBe(100);
  });

  it('is one less for each token just taken, as the bucket itself grants them', () => {
    let tat: number | undefined;
    for (let taken = 1; taken <= 30; taken += 1) {
      const decision = takeToken(tat, limit, now);
      if (!decision.granted) throw new Error('the bucket refused a token it holds');
      tat = decision.tat;
      expect(tokensLeft(tat, limit, now)).toBe(100 - taken);
    }
  });

  it('is empty right after a 429, and refills one token per interval', () => {
    const drained = drainedTat(limit, now);

    expect(tokensLeft(drained, limit, now)).toBe(0);
    expect(tokensLeft(drained, limit, now + cellTiming(limit).intervalMs)).toBe(1);
  });
});

describe("a channel's lag", () => {
  it('gives each subject its published figure and lag, and marks a figure pending past the stall limit', () => {
    const waiting = { version: 2, value: 0, eventTime: iso(STALLED_AFTER_MS + 1000) };

    const row = subjectLag(record('SKU-1', { published: published(800), wanted: waiting }), now);

    expect(row).toMatchObject({
      published: { value: 4, version: 1, lagMs: 800 },
      pending: { value: 0, version: 2, waitingMs: STALLED_AFTER_MS + 1000 },
      stalled: true,
    });
    expect(subjectLag(record('SKU-2', { published: published(800), wanted: published(800) }), now)).toMatchObject({
      stalled: false,
    });
    expect(subjectLag(record('SKU-2', { published: published(800) }), now).pending).toBeUndefined();
  });

  it("counts subjects, pending and stalled ones, and takes the lag's mean and max over published subjects", () => {
    const rows = [
      subjectLag(record('A', { published: published(1000) }), now),
      subjectLag(record('B', { published: published(3000) }), now),
      subjectLag(record('C', { wanted: { version: 1, value: 2, eventTime: iso(STALLED_AFTER_MS * 2) } }), now),
    ];

    expect(lagFigures(rows)).toEqual({ subjects: 3, pending: 1, maxLagMs: 3000, meanLagMs: 2000, failures: 1 });
    expect(lagFigures([])).toEqual({ subjects: 0, pending: 0, maxLagMs: null, meanLagMs: null, failures: 0 });
  });

  it('lists stalled subjects first, then the longest waiting, then the slowest published', () => {
    const rows = [
      subjectLag(record('FAST', { published: published(100) }), now),
      subjectLag(record('SLOW', { published: published(9000) }), now),
      subjectLag(record('WAITING', { wanted: { version: 1, value: 2, eventTime: iso(60_000) } }), now),
      subjectLag(record('STALLED', { wanted: { version: 1, value: 2, eventTime: iso(STALLED_AFTER_MS * 2) } }), now),
    ];

    expect(worstFirst(rows).map((row) => row.sku)).toEqual(['STALLED', 'WAITING', 'SLOW', 'FAST']);
  });
});
