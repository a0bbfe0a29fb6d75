import * as z from '#domain/kernel/schema';

/**
 * A channel's numeric id at any size: a number while a double holds it exactly, the string of its digits
 * beyond 2^53, which is how parseJsonExactly hands such an id over (Shopify's ids are 18 digits). A
 * number above 2^53 has already lost digits to JSON.parse, so it is refused with the reason, never
 * stored as the id of another order. Mappers read it with String(). The number comes first: most ids
 * are numbers, and a union tries its options in order (a failed option costs an issue object); when
 * both fail, the issue reported is the same either way.
 */
export const NumericChannelId = z.union([
  z
    .number()
    .check(
      z.int(),
      z.nonnegative(),
      z.refine(
        Number.isSafeInteger,
        'is above 2^53 and was rounded when read as a number: read the body with parseJsonExactly',
      ),
    ),
  z.string().check(z.regex(/^\d+$/, 'must be the digits of an id')),
]);
