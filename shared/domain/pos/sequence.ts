import * as z from '#domain/kernel/schema';

/**
 * Sequence numbers a register used on a business day, kept as sorted, disjoint, non-adjacent inclusive
 * ranges: a day's 2,000 transactions with two gaps are three pairs, not 2,000 numbers. Union is
 * commutative and idempotent, so batches (re-uploads, overlapping offline batches, re-runs after a
 * crash) can be folded in any order, any number of times.
 */
export type SequenceRange = readonly [from: number, to: number];
export type SequenceRanges = readonly SequenceRange[];

export const SequenceGap = z.object({
  from: z.number().check(z.int(), z.nonnegative()),
  to: z.number().check(z.int(), z.nonnegative()),
});
export type SequenceGap = z.infer<typeof SequenceGap>;

/** The union of two range lists, normalized. */
export function unionRanges(left: SequenceRanges, right: SequenceRanges): SequenceRange[] {
  const all = [...left, ...right].sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [from, to] of all) {
    const last = merged[merged.length - 1];
    if (last && from <= last[1] + 1) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  return merged;
}

/** The numbers missing between the lowest and the highest seen: what the register used but nobody sent. */
export function sequenceGaps(ranges: SequenceRanges): SequenceGap[] {
  const gaps: SequenceGap[] = [];
  for (let i = 1; i < ranges.length; i += 1) gaps.push({ from: ranges[i - 1][1] + 1, to: ranges[i][0] - 1 });
  return gaps;
}

export function missingCount(gaps: readonly SequenceGap[]): number {
  return gaps.reduce((sum, gap) => sum + gap.to - gap.from + 1, 0);
}

/**
 * Collects sequence numbers as they stream past, per register and day. Registers number their
 * transactions upwards, so the common case (the next number, or a later one) appends in O(1); an
 * out-of-order number falls back to a merge.
 */
export class SequenceCollector {
  private readonly byRegisterDay = new Map<string, [number, number][]>();

  add(registerDay: string, sequence: number): void {
    const ranges = this.byRegisterDay.get(registerDay);
    if (!ranges) {
      this.byRegisterDay.set(registerDay, [[sequence, sequence]]);
      return;
    }
    const last = ranges[ranges.length - 1];
    if (sequence === last[1] + 1) last[1] = sequence;
    else if (sequence > last[1] + 1) ranges.push([sequence, sequence]);
    else if (sequence < last[0] || sequence > last[1])
      this.byRegisterDay.set(registerDay, unionRanges(ranges, [[sequence, sequence]]) as [number, number][]);
  }

  /** What was collected, per register-day, and forgets it. */
  drain(): Map<string, SequenceRange[]> {
    const drained = new Map(this.byRegisterDay);
    this.byRegisterDay.clear();
    return drained;
  }

  get size(): number {
    return this.byRegisterDay.size;
  }
}

/** One register's day: where its sequence numbers (and their gaps) are tracked. */
export interface RegisterDay {
  storeId: string;
  registerId: string;
  businessDay: string;
}

export function registerDayId(day: RegisterDay): string {
  return `${day.storeId}:${day.registerId}:${day.businessDay}`;
}

export function parseRegisterDayId(id: string): RegisterDay {
  const [storeId, registerId, businessDay] = id.split(':');
  return { storeId, registerId, businessDay };
}
