import fc from 'fast-check';
import { drainBucket, refillBucket, takeToken, type BucketState } from '../../shared/domain/rate-limit';

const limit = { ratePerSecond: 2, burst: 5 };

describe('token bucket', () => {
  it('grants the burst at once, then refuses with the wait until the next token', () => {
    let state: BucketState | undefined;
    for (let i = 0; i < 5; i += 1) {
      const decision = takeToken(state, limit, 1_000);
      expect(decision.granted).toBe(true);
      state = decision.state;
    }
    const refused = takeToken(state, limit, 1_000);
    expect(refused).toEqual({ granted: false, state: { tokens: 0, updatedAt: 1_000 }, waitMs: 500 });
    expect(takeToken(refused.state, limit, 1_500).granted).toBe(true);
  });

  it('refills at the rate and never beyond the burst', () => {
    expect(refillBucket({ tokens: 0, updatedAt: 0 }, limit, 1_000)).toEqual({ tokens: 2, updatedAt: 1_000 });
    expect(refillBucket({ tokens: 4, updatedAt: 0 }, limit, 60_000)).toEqual({ tokens: 5, updatedAt: 60_000 });
  });

  it('empties on a 429 so the next token comes only after a refill', () => {
    const drained = drainBucket({ tokens: 5, updatedAt: 0 }, limit, 0);
    expect(drained.tokens).toBe(0);
    expect(takeToken(drained, limit, 0)).toMatchObject({ granted: false, waitMs: 500 });
  });

  it('never grants more than burst + rate x elapsed, whatever the call times', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 3_000 }), { minLength: 1, maxLength: 200 }), (gaps) => {
      let now = 0;
      let state: BucketState | undefined;
      let granted = 0;
      for (const gap of gaps) {
        now += gap;
        const decision = takeToken(state, limit, now);
        state = decision.state;
        if (decision.granted) granted += 1;
        else expect(takeToken(state, limit, now + decision.waitMs).granted).toBe(true);
      }
      expect(granted).toBeLessThanOrEqual(limit.burst + Math.floor((now / 1000) * limit.ratePerSecond));
    }));
  });
});
