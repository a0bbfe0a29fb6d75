import * as z from '#domain/kernel/schema';

/**
 * What happens to the units of an order that stock cannot cover: the whole order is refused, they wait
 * for stock (a backorder), or they are dropped. A channel's inventory policy sets it, and the reservation
 * events carry the one they were decided under. Its own module so that reading the policy does not build
 * every inventory event's schema.
 */
export const ShortagePolicy = z.enum(['reject', 'backorder', 'partial']);
export type ShortagePolicy = z.infer<typeof ShortagePolicy>;
