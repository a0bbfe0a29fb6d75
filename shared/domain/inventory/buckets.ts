import type { PositionFigure, StockPosition } from './model';

/**
 * How a hot SKU's stock at one location is split over bucket items. One DynamoDB item takes about
 * 1,000 writes/s (500 transactional), so a flash-sale SKU keeps its stock in `shards` buckets with
 * their own keys; each bucket is a complete position with its own guards and ledger. Reservations
 * spread over buckets from a random start; inflows fill bucket deficits first, then spread evenly;
 * non-sellable quantities (safety stock, damaged, quality control, incoming) live on bucket 0 only.
 * These functions take the buckets of one location ordered by shard; they never write.
 */

/** Units of an inflow per bucket: deficits first (lowest shard first), then as evenly as possible. */
export function spreadInflow(buckets: readonly Pick<StockPosition, 'available'>[], quantity: number): number[] {
  const parts = buckets.map(() => 0);
  let remaining = quantity;
  buckets.forEach((bucket, shard) => {
    const fill = Math.min(remaining, Math.max(0, -bucket.available));
    parts[shard] += fill;
    remaining -= fill;
  });
  const even = Math.floor(remaining / buckets.length);
  const extra = remaining % buckets.length;
  return parts.map((part, shard) => part + even + (shard < extra ? 1 : 0));
}

/**
 * Units of an outflow per bucket, taken from the buckets with the most of `figure` first and never
 * more than a bucket has of it. Undefined when together they have less than `quantity`.
 */
export function takeOutflow<F extends PositionFigure>(
  buckets: readonly Pick<StockPosition, F>[],
  quantity: number,
  figure: F,
): number[] | undefined {
  const { parts, remaining } = takeRichestFirst(buckets, quantity, figure);
  return remaining === 0 ? parts : undefined;
}

/** As much of `quantity` as the buckets have of `figure`, richest first, and what they could not cover. */
function takeRichestFirst<F extends PositionFigure>(
  buckets: readonly Pick<StockPosition, F>[],
  quantity: number,
  figure: F,
): { parts: number[]; remaining: number } {
  const parts = buckets.map(() => 0);
  let remaining = quantity;
  const richestFirst = buckets
    .map((bucket, shard) => ({ shard, has: Math.max(0, bucket[figure]) }))
    .sort((a, b) => b.has - a.has || a.shard - b.shard);
  for (const { shard, has } of richestFirst) {
    const take = Math.min(remaining, has);
    parts[shard] += take;
    remaining -= take;
  }
  return { parts, remaining };
}

/**
 * Where to reserve `quantity` units of a location: the first bucket from `start` (rotating) that has
 * them all, else as many as each has in that order. May cover less than asked when the location is short.
 */
export function pickReservationBuckets(
  available: readonly number[],
  quantity: number,
  start: number,
): { shard: number; quantity: number }[] {
  const order = available.map((_, i) => (start + i) % available.length);
  const whole = order.find((shard) => available[shard] >= quantity);
  if (whole !== undefined) return [{ shard: whole, quantity }];
  const picks: { shard: number; quantity: number }[] = [];
  let remaining = quantity;
  for (const shard of order) {
    const take = Math.min(remaining, Math.max(0, available[shard]));
    if (take > 0) picks.push({ shard, quantity: take });
    remaining -= take;
  }
  return picks;
}

/**
 * Before bucket 0 takes on `quantity` more non-sellable units (or safety stock), the units other buckets
 * can spare (their available) that it needs so that it neither lacks sellable units nor shows a deficit
 * while other buckets still sell. Per bucket, index 0 always 0; may cover less than needed.
 */
export function pullIntoBase(buckets: readonly Pick<StockPosition, 'available'>[], quantity: number): number[] {
  const need = Math.max(0, quantity - buckets[0].available);
  const others = buckets.map((bucket, shard) => ({ available: shard === 0 ? 0 : Math.max(0, bucket.available) }));
  const spare = others.reduce((sum, bucket) => sum + bucket.available, 0);
  return takeRichestFirst(others, Math.min(need, spare), 'available').parts;
}
