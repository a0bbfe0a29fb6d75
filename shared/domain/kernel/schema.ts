/**
 * zod, as every schema of ours builds on it: zod's functional build ("zod/mini"). A bundle then
 * carries only the schema kinds and checks its function uses, about half of what the classic build
 * puts in every function (its methods reach everything, JSON Schema output included), and building
 * a schema attaches no methods to it, which a cold start pays for every schema it loads (issue 27).
 *
 * The functional build loads no locale, so English issue messages are set here, once for the
 * process: every error answer and exception names its field with them. package.json lists this file
 * under `sideEffects` so that bundlers keep the setting.
 */
// biome-ignore lint/style/noRestrictedImports: this is the one place zod is imported from.
import * as z from 'zod/mini';
// biome-ignore lint/style/noRestrictedImports: this is the one place zod is imported from.
import { en } from 'zod/locales';

z.config(en());

// biome-ignore lint/style/noRestrictedImports: this is the one place zod is imported from.
export * from 'zod/mini';

/**
 * `schema` with zod's generated parser in front of its own (`z.compile`), for a channel's order
 * payload: parsed once per order at the edge, where validation is most of the mapping's cost (bench:
 * canonical mapping). The parser is generated on the first parse, not when the module loads, so a
 * cold start pays for it only where an order arrives. A payload the generated parser refuses goes
 * through zod's own, so its issues read exactly as before.
 */
export function compiledOnFirstParse<T extends z.ZodMiniType>(schema: T): Pick<T, 'safeParse'> {
  let compiled: T | undefined;
  return {
    safeParse: (data, params) => {
      compiled ??= z.compile(schema);
      return compiled.safeParse(data, params);
    },
  };
}
