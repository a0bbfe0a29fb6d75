import fc from 'fast-check';
import * as z from '#domain/kernel/schema';
import { compileOrderPayloads, compiledOnFirstParse } from '#domain/kernel/schema';
import { once } from '#domain/kernel/once';
import { ShopifyOrderPayload } from '#shared/channels/shopify/shopify-order.schema';
import { WooCommerceOrderPayload } from '#shared/channels/woocommerce/woocommerce-order.schema';
import { sampleShopifyOrder, seededRandom } from '../../../scripts/sample/shopify-orders';
import { readWooCommerceFixture } from '../../fixtures/woocommerce';

/**
 * Where a function asks for it (the marketplace webhook), the channel order payloads go through zod's
 * generated parser (compiledOnFirstParse). What it returns must be what zod's own parser returns: for
 * a valid payload, the same order to the cent; for a broken one, a refusal (the generated parser hands
 * every payload it refuses to zod's own, so the issues, and the fields the answer names, come from
 * there). So the broken payloads check that the generated parser never accepts what zod refuses, and
 * returns the same data when both accept.
 */
const shopify = compiledOnFirstParse(ShopifyOrderPayload);
const wooCommerce = compiledOnFirstParse(WooCommerceOrderPayload);

/**
 * The schemas handed to the compiler, which throws rather than hands back a schema it cannot compile
 * at its top (strict). A channel exports its payload schema behind `z.lazy` (built on first use, once); the
 * compiler is handed the schema that stands behind it, since a lazy one compiles to a call of zod's
 * own parser.
 */
const compiledSchemas: unknown[] = [];
beforeAll(() =>
  compileOrderPayloads((schema) => {
    compiledSchemas.push(schema);
    return z.compile(schema, { strict: true });
  }),
);

/** A payload with one field somewhere replaced (or removed) by an arbitrary value. */
function mutated(payload: unknown, path: readonly number[], replacement: unknown, remove: boolean): unknown {
  const copy = structuredClone(payload) as Record<string, unknown>;
  let node: Record<string, unknown> = copy;
  for (const [depth, choice] of path.entries()) {
    const keys = Object.keys(node);
    if (keys.length === 0) break;
    const key = keys[choice % keys.length];
    const child = node[key];
    if (depth === path.length - 1 || child === null || typeof child !== 'object') {
      if (remove) delete node[key];
      else node[key] = replacement;
      break;
    }
    node = child as Record<string, unknown>;
  }
  return copy;
}

/** What a parse decides: the parsed payload, or the issues (zod's error object aside). */
function outcome(result: { success: boolean; data?: unknown; error?: { issues: unknown } }) {
  return result.success ? { data: result.data } : { issues: result.error?.issues };
}

const anyReplacement = fc.oneof(
  fc.constant(null),
  fc.constant(''),
  fc.integer(),
  fc.double(),
  fc.string(),
  fc.boolean(),
  fc.constant([]),
  fc.constant({}),
);

describe('compiled channel order parsing', () => {
  it('returns what zod returns for Shopify orders as the sample shop sends them', () => {
    const random = seededRandom(7);
    for (let i = 0; i < 300; i += 1) {
      const payload = sampleShopifyOrder(i, random, undefined, 1 + (i % 12));
      const compiled = shopify.safeParse(payload);
      expect(compiled.success).toBe(true);
      expect(outcome(compiled)).toEqual(outcome(ShopifyOrderPayload.safeParse(payload)));
    }
    expect(compiledSchemas).toHaveLength(1);
    expect(compiledSchemas[0]).toBe(ShopifyOrderPayload._zod.innerType);
    expect(compiledSchemas[0]).not.toBeInstanceOf(z.ZodMiniLazy);
  });

  it.each([
    ['Shopify', shopify, ShopifyOrderPayload, () => sampleShopifyOrder(1, seededRandom(3), undefined, 3)],
    ['WooCommerce', wooCommerce, WooCommerceOrderPayload, () => readWooCommerceFixture('order-multi-line-usd')],
  ] as const)(
    'answers a %s payload with one field broken as zod does: the same issues, or the same order',
    (_channel, compiled, runtime, payload) => {
      const base = payload();
      fc.assert(
        fc.property(
          fc.array(fc.nat(), { minLength: 1, maxLength: 5 }),
          anyReplacement,
          fc.boolean(),
          (path, replacement, remove) => {
            const input = mutated(base, path, replacement, remove);
            expect(outcome(compiled.safeParse(input))).toEqual(outcome(runtime.safeParse(input)));
          },
        ),
        { numRuns: 400 },
      );
      expect(compiledSchemas).toContain(runtime._zod.innerType);
    },
  );
});

/**
 * Loads a schema module on its own, counting the builds made through `once`: every module that builds
 * on first use counts, since one whose schemas wait may import another's.
 */
function loadCountingBuilds(modulePath: string): { schemas: Record<string, z.ZodMiniType>; builds: () => number } {
  let builds = 0;
  let schemas: Record<string, z.ZodMiniType> = {};
  jest.isolateModules(() => {
    jest.doMock('#domain/kernel/once', () => ({
      once: <T>(make: () => T) =>
        once(() => {
          builds += 1;
          return make();
        }),
    }));
    schemas = require(modulePath) as Record<string, z.ZodMiniType>;
  });
  return { schemas, builds: () => builds };
}

/** Parses every schema the module exports. */
function parseEach(schemas: Record<string, z.ZodMiniType>): void {
  for (const schema of Object.values(schemas)) if (schema instanceof z.ZodMiniType) schema.safeParse(null);
}

/** Each channel's schema module, with one schema it exports. */
const CHANNEL_SCHEMAS = [
  ['amazon', '#shared/channels/amazon/amazon-order.schema', 'AmazonOrderChangeNotification'],
  ['ebay', '#shared/channels/ebay/ebay-order.schema', 'EbayNotification'],
  ['shopify', '#shared/channels/shopify/shopify-order.schema', 'ShopifyRefundPayload'],
  ['square', '#shared/channels/square/square-order.schema', 'SquareOrderEvent'],
  ['walmart', '#shared/channels/walmart/walmart-order.schema', 'WalmartPurchaseOrderEvent'],
  ['woocommerce', '#shared/channels/woocommerce/woocommerce-order.schema', 'WooCommerceOrderPayload'],
] as const;

describe("a channel's schemas", () => {
  it.each(CHANNEL_SCHEMAS)(
    '%s: are built at the first parse of any of them, once, not when the module loads',
    (_channel, modulePath, exported) => {
      const { schemas, builds } = loadCountingBuilds(modulePath);
      expect(builds()).toBe(0);

      expect(schemas[exported].safeParse({}).success).toBe(false);
      expect(builds()).toBe(1);
      parseEach(schemas);
      expect(builds()).toBe(1);
    },
  );
});

/** Capability modules whose schemas wait for a first parse, each with one schema it exports. */
const CAPABILITY_SCHEMAS = [
  ['inventory events', '#domain/inventory/events', 'InventoryReservedData'],
  ['fulfilment events', '#domain/fulfilment/events', 'FulfilmentRequestedData'],
  ['sourcing rules', '#domain/fulfilment/sourcing', 'SourcingRules'],
  ['POS transactions', '#domain/pos/transaction', 'RawPosTransaction'],
  ['POS events', '#domain/pos/events', 'PosBatchRef'],
  ['pricing events', '#domain/pricing/events', 'PriceChangedData'],
] as const;

describe("a capability's schemas", () => {
  it.each(CAPABILITY_SCHEMAS)(
    '%s: are built at the first parse, once, not when the module or any module it imports loads',
    (_module, modulePath, exported) => {
      const { schemas, builds } = loadCountingBuilds(modulePath);
      expect(builds()).toBe(0);

      expect(schemas[exported].safeParse({}).success).toBe(false);
      expect(builds()).toBeGreaterThan(0);
      // Whatever the first pass over every schema built (this module's and those it reaches), a second builds nothing.
      parseEach(schemas);
      const afterFirstPass = builds();
      parseEach(schemas);
      expect(builds()).toBe(afterFirstPass);
    },
  );
});
