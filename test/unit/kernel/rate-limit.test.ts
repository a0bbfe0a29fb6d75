import fc from 'fast-check';
import { cellTiming, drainedTat, takeToken, type RateLimit, type TokenDecision } from '#domain/kernel/rate-limit';

const limit = { ratePerSecond: 2, burst: 5 };

/** Takes tokens at `now` until one is refused; returns how many were granted, the tat left and the refusal. */
function takeAll(
  tat: number | undefined,
  budget: RateLimit,
  now: number,
): { granted: number; tat: number | undefined; refused: TokenDecision } {
  let granted = 0;
  for (;;) {
    const decision = takeToken(tat, budget, now);
    if (!decision.granted) return { granted, tat, refused: decision };
    tat = decision.tat;
    granted += 1;
  }
}

describe('GCRA token bucket', () => {
  it('spaces tokens one interval apart and lets burst − 1 intervals be spent ahead', () => {
    expect(cellTiming(limit)).toEqual({ intervalMs: 500, toleranceMs: 2_000 });
    expect(cellTiming({ ratePerSecond: 5, burst: 1 })).toEqual({ intervalMs: 200, toleranceMs: 0 });
  });

  it('grants the burst at once from a bucket never used, then refuses with the wait until the next token', () => {
    const { granted, tat, refused } = takeAll(undefined, limit, 1_000);

    expect(granted).toBe(5);
    expect(tat).toBe(1_000 + 5 * 500);
    expect(refused).toEqual({ granted: false, waitMs: 500 });
    expect(takeToken(tat, limit, 1_500)).toEqual({ granted: true, write: 'busy', tat: 4_000 });
  });

  it('restarts the schedule at now when the bucket is idle, and moves it on one interval while busy', () => {
    expect(takeToken(undefined, limit, 1_000)).toEqual({ granted: true, write: 'idle', tat: 1_500 });
    expect(takeToken(800, limit, 1_000)).toEqual({ granted: true, write: 'idle', tat: 1_500 });
    expect(takeToken(1_000, limit, 1_000)).toEqual({ granted: true, write: 'idle', tat: 1_500 });
    expect(takeToken(1_001, limit, 1_000)).toEqual({ granted: true, write: 'busy', tat: 1_501 });
    expect(takeToken(3_000, limit, 1_000)).toEqual({ granted: true, write: 'busy', tat: 3_500 });
    expect(takeToken(3_001, limit, 1_000)).toEqual({ granted: false, waitMs: 1 });
  });

  it('refills at the rate and never beyond the burst, however long the bucket was idle', () => {
    const spent = takeAll(undefined, limit, 0).tat;

    expect(takeAll(spent, limit, 1_000).granted).toBe(2);
    expect(takeAll(spent, limit, 60_000).granted).toBe(5);
  });

  it('sustains exactly the rate for a caller that waits as told', () => {
    let now = 0;
    let tat: number | undefined;
    let granted = 0;
    while (now <= 60_000) {
      const decision = takeToken(tat, limit, now);
      if (decision.granted) {
        tat = decision.tat;
        granted += 1;
      } else {
        now += decision.waitMs;
      }
    }

    // The burst at once, then two a second.
    expect(granted).toBe(5 + 2 * 60);
  });

  it('gives nothing after a 429 until one interval has passed, then one token at a time refilling from there', () => {
    const drained = drainedTat(limit, 10_000);

    expect(takeToken(drained, limit, 10_000)).toEqual({ granted: false, waitMs: 500 });
    expect(takeToken(drained, limit, 10_499)).toEqual({ granted: false, waitMs: 1 });
    expect(takeAll(drained, limit, 10_500).granted).toBe(1);
    expect(takeAll(drained, limit, 10_000 + 5 * 500).granted).toBe(5);
  });

  it("keeps a fractional rate: Amazon's 0.0167 a second with a burst of 20", () => {
    const amazon = { ratePerSecond: 0.0167, burst: 20 };
    const { granted, tat, refused } = takeAll(undefined, amazon, 1_760_000_000_000);

    expect(granted).toBe(20);
    expect(refused).toEqual({ granted: false, waitMs: 59_881 }); // 1000 / 0.0167 = 59,880.24 ms
    expect(takeToken(tat, amazon, 1_760_000_000_000 + 59_880).granted).toBe(false);
    expect(takeAll(tat, amazon, 1_760_000_000_000 + 59_881).granted).toBe(1);
  });

  it('with a burst of one, never has a busy bucket: each token a full interval after the last', () => {
    const single = { ratePerSecond: 5, burst: 1 };
    const first = takeAll(undefined, single, 0);

    expect(first.granted).toBe(1);
    expect(first.refused).toEqual({ granted: false, waitMs: 200 });
    expect(takeToken(first.tat, single, 200)).toMatchObject({ granted: true, write: 'idle' });
  });

  it('never grants more than burst + rate × elapsed, and always grants once the wait it named is over', () => {
    const budgets = fc.constantFrom<RateLimit>(
      limit,
      { ratePerSecond: 3, burst: 4 },
      { ratePerSecond: 0.0167, burst: 20 },
      { ratePerSecond: 50, burst: 1_000 },
      { ratePerSecond: 5, burst: 1 },
    );
    // Bursts of callers at one instant, short and long pauses between, and now and then a 429.
    const step = fc.record({
      gap: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 100 }), fc.integer({ min: 0, max: 70_000 })),
      callers: fc.integer({ min: 1, max: 40 }),
      drain: fc.boolean(),
    });
    fc.assert(
      fc.property(
        budgets,
        fc.integer({ min: 0, max: 1_800_000_000_000 }),
        fc.array(step, { minLength: 1, maxLength: 100 }),
        (budget, start, steps) => {
          let now = start;
          let tat: number | undefined;
          let granted = 0;
          for (const { gap, callers, drain } of steps) {
            now += gap;
            if (drain) tat = Math.max(tat ?? now, drainedTat(budget, now));
            for (let i = 0; i < callers; i += 1) {
              const decision = takeToken(tat, budget, now);
              if (decision.granted) {
                tat = decision.tat;
                granted += 1;
              } else {
                expect(decision.waitMs).toBeGreaterThan(0);
                expect(takeToken(tat, budget, now + decision.waitMs).granted).toBe(true);
              }
            }
          }
          expect(granted).toBeLessThanOrEqual(budget.burst + Math.floor(((now - start) / 1000) * budget.ratePerSecond));
        },
      ),
    );
  });
});
