import type { PosBatchSummary } from '#domain/pos';
import { isQuiet, isStoreId, openGaps } from '#shared/operations/stores';

const register = (registerId: string, businessDay: string, gaps: { from: number; to: number }[]) => ({
  registerId,
  businessDay,
  accepted: 3,
  duplicates: 0,
  rejected: 0,
  duplicateSequences: [],
  gaps,
  missing: gaps.reduce((sum, gap) => sum + gap.to - gap.from + 1, 0),
});

const summary = (registers: ReturnType<typeof register>[]) => ({ registers }) as unknown as PosBatchSummary;

describe('store uploads', () => {
  it('calls a store quiet once its last upload is older than the threshold', () => {
    const now = Date.parse('2026-12-06T12:00:00Z');

    expect(isQuiet('2026-12-05T09:00:00Z', now, 26)).toBe(true);
    expect(isQuiet('2026-12-05T11:00:00Z', now, 26)).toBe(false);
  });

  it("keeps each register-day's gaps from its newest upload: a later batch that brought the numbers closes them", () => {
    const newestFirst = [
      summary([register('R1', '2026-12-05', [])]),
      summary([register('R1', '2026-12-05', [{ from: 4, to: 4 }]), register('R2', '2026-12-05', [{ from: 7, to: 9 }])]),
    ];

    expect(openGaps(newestFirst)).toEqual([
      { registerId: 'R2', businessDay: '2026-12-05', gaps: [{ from: 7, to: 9 }], missing: 3 },
    ]);
  });

  it('takes store ids as the upload contract does', () => {
    expect(isStoreId('store-042')).toBe(true);
    expect(isStoreId('store 042')).toBe(false);
    expect(isStoreId('store/042')).toBe(false);
    expect(isStoreId('')).toBe(false);
  });
});
