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

/** zod's schema compiler, once a function has asked for its order payloads to be compiled. */
let orderPayloadCompiler: (<T extends z.ZodMiniType>(schema: T) => T) | undefined;

/**
 * Has every channel order payload parser (compiledOnFirstParse) go through zod's generated parser
 * from now on. The marketplace webhook, where orders arrive in volume, calls it with `z.compile` at
 * load: the compiler (29 KiB) is bundled there only, and the functions that parse an order now and
 * then (an exception reprocessed, a SKU mapped and its held orders replayed) keep zod's runtime
 * parser and a smaller bundle.
 */
export function compileOrderPayloads(compiler: <T extends z.ZodMiniType>(schema: T) => T): void {
  orderPayloadCompiler = compiler;
}

/**
 * A parser of a channel's order payload: `schema` with zod's generated parser in front of its own
 * where the function asked for it (compileOrderPayloads). Validation is most of the mapping's cost
 * at the edge (bench: canonical mapping). The parser is generated on the first parse, not when the
 * module loads, so a cold start pays for it only where an order arrives. A payload the generated
 * parser refuses goes through zod's own, so its issues read exactly as before.
 */
export function compiledOnFirstParse<T extends z.ZodMiniType>(schema: T): Pick<T, 'safeParse'> {
  let compiled: T | undefined;
  return {
    safeParse: (data, params) => {
      // The same schema compiled: its parse gives the same output type.
      if (orderPayloadCompiler) compiled ??= orderPayloadCompiler(standingFor(schema)) as T;
      return (compiled ?? schema).safeParse(data, params);
    },
  };
}

/** The schema a lazy one stands for: zod's compiler turns a lazy schema into a call of zod's own parser. */
function standingFor(schema: z.ZodMiniType): z.ZodMiniType {
  return schema instanceof z.ZodMiniLazy ? (schema._zod.innerType as z.ZodMiniType) : schema;
}
