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
  // A reviver costs about five plain parses, and most bodies hold no integer beyond 2^53: only a body
  // that does is read again with it, so the result is the same either way.
  const plain: unknown = JSON.parse(text);
  if (!holdsUnsafeInteger(plain)) return plain;
  return JSON.parse(text, (_key, value: unknown, context?: ReviverContext) =>
    typeof value === 'number' &&
    !Number.isSafeInteger(value) &&
    context?.source !== undefined &&
    /^-?\d+$/.test(context.source)
      ? context.source
      : value,
  );
}

/** Whether a parsed value holds, at any depth, an integer a double cannot hold exactly (so was rounded). */
function holdsUnsafeInteger(value: unknown): boolean {
  if (typeof value === 'number') return Number.isInteger(value) && !Number.isSafeInteger(value);
  if (typeof value !== 'object' || value === null) return false;
  // Loops rather than some() and Object.keys(): every webhook body is walked once.
  if (Array.isArray(value)) {
    for (const item of value) if (holdsUnsafeInteger(item)) return true;
    return false;
  }
  for (const key in value) if (holdsUnsafeInteger((value as Record<string, unknown>)[key])) return true;
  return false;
}
