/**
 * A channel API's documented budget as a token bucket whose state is a plain value, so it can live in
 * a shared store (every concurrent Lambda spends the same seller's budget) and be tested without time.
 */
export interface RateLimit {
  /** Tokens restored per second. */
  ratePerSecond: number;
  /** Tokens the bucket holds when full: the burst the channel tolerates. */
  burst: number;
}

export interface BucketState {
  tokens: number;
  /** Epoch milliseconds of the last refill. */
  updatedAt: number;
}

export type TokenDecision =
  | { granted: true; state: BucketState }
  | { granted: false; state: BucketState; waitMs: number };

/** The bucket after refilling up to `now`; a missing state is a full bucket (nothing spent yet). */
export function refillBucket(state: BucketState | undefined, limit: RateLimit, now: number): BucketState {
  if (!state) return { tokens: limit.burst, updatedAt: now };
  const elapsed = Math.max(0, now - state.updatedAt);
  return { tokens: Math.min(limit.burst, state.tokens + (elapsed / 1000) * limit.ratePerSecond), updatedAt: Math.max(now, state.updatedAt) };
}

/**
 * Takes one token if the refilled bucket has one; otherwise says how long until it will. Never grants
 * more than `burst` in an instant nor more than `ratePerSecond` sustained, whatever the call pattern.
 */
export function takeToken(state: BucketState | undefined, limit: RateLimit, now: number): TokenDecision {
  const refilled = refillBucket(state, limit, now);
  if (refilled.tokens >= 1) return { granted: true, state: { ...refilled, tokens: refilled.tokens - 1 } };
  return { granted: false, state: refilled, waitMs: Math.ceil(((1 - refilled.tokens) / limit.ratePerSecond) * 1000) };
}

/** A 429 says the channel's own bucket is empty, whatever ours believed: nothing left until it refills. */
export function drainBucket(state: BucketState | undefined, limit: RateLimit, now: number): BucketState {
  const refilled = refillBucket(state, limit, now);
  return { ...refilled, tokens: Math.min(refilled.tokens, 0) };
}
