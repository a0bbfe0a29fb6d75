/** What JSON.parse hands a reviver as its third argument (Node 22): the text the value was read from. */
interface ReviverContext {
  source?: string;
}

/**
 * Parses JSON as JSON.parse does, except that an integer too large for a double to hold exactly (above
 * 2^53, as Shopify's ids are) comes back as the string of its digits instead of a rounded number: a
 * rounded id names another order, line or variant. Every other value, fractions included, is what
 * JSON.parse gives. Throws SyntaxError as JSON.parse does.
 *
 * @example parseJsonExactly('{"id":820982911946154508,"qty":2}') // { id: '820982911946154508', qty: 2 }
 */
export function parseJsonExactly(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown, context?: ReviverContext) =>
    typeof value === 'number' &&
    !Number.isSafeInteger(value) &&
    context?.source !== undefined &&
    /^-?\d+$/.test(context.source)
      ? context.source
      : value,
  );
}
