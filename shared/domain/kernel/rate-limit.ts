/**
 * A channel API's documented budget as a token bucket, kept as GCRA (the generic cell rate algorithm):
 * the whole state is one number, the bucket's theoretical arrival time (`tat`, epoch milliseconds),
 * so it can live in a shared store (every concurrent Lambda spends the same seller's budget), be
 * moved on by one atomic write, and be tested without time.
 */
export interface RateLimit {
  /** Tokens restored per second. */
  ratePerSecond: number;
  /** Tokens the bucket holds when full: the burst the channel tolerates. */
  burst: number;
}

/** A budget in GCRA's terms: one token every `intervalMs`, and up to `toleranceMs` (burst − 1 intervals) of the schedule spent ahead. */
export interface CellTiming {
  intervalMs: number;
  toleranceMs: number;
}

export function cellTiming(limit: RateLimit): CellTiming {
  const intervalMs = 1000 / limit.ratePerSecond;
  return { intervalMs, toleranceMs: (limit.burst - 1) * intervalMs };
}

/**
 * The two ways a token is granted, each one atomic write whose condition does not name the previous
 * value: `idle`, nothing is owed (tat ≤ now, or no tat), so the schedule restarts at now (tat' = now + T);
 * `busy`, within the burst (now < tat ≤ now + τ), so the schedule moves on one interval (tat' = tat + T).
 */
export type TokenWrite = 'idle' | 'busy';

export type TokenDecision = { granted: true; write: TokenWrite; tat: number } | { granted: false; waitMs: number };

/**
 * Whether a token may be taken at `now` from the bucket whose theoretical arrival time is `tat`
 * (undefined: never used, which is a full bucket), with the write that takes it and the tat after;
 * otherwise the whole milliseconds until the next token is due (tat − τ). Never grants more than
 * `burst` in an instant nor more than `ratePerSecond` sustained, whatever the call pattern.
 */
export function takeToken(tat: number | undefined, limit: RateLimit, now: number): TokenDecision {
  const { intervalMs, toleranceMs } = cellTiming(limit);
  if (tat === undefined || tat <= now) return { granted: true, write: 'idle', tat: now + intervalMs };
  // Compared as `due <= now` rather than `tat <= now + τ`, so that waiting `waitMs` always reaches `due`
  // (the difference of two nearby doubles is exact; their sum need not be).
  const due = tat - toleranceMs;
  if (due <= now) return { granted: true, write: 'busy', tat: tat + intervalMs };
  return { granted: false, waitMs: Math.ceil(due - now) };
}

/**
 * The tat after a 429, which says the channel's own bucket is empty whatever ours believed: the next
 * token comes one interval from now, and the burst refills from there.
 */
export function drainedTat(limit: RateLimit, now: number): number {
  const { intervalMs, toleranceMs } = cellTiming(limit);
  return now + toleranceMs + intervalMs;
}
