import * as z from '#domain/kernel/schema';
import { once } from '#domain/kernel/once';
import { DeliveryMethod, SalesChannel, type Address, type Delivery } from '#domain/kernel/order';
import { formatIssues, type FieldIssue } from '#domain/kernel/validation';

/** The token a rule lists for "the store the customer chose to pick up at" (order.delivery.channelLocationId). */
export const PICKUP_STORE = 'pickup-store';
/** The decision's rule id when no rule matched (or none is stored): the channel's ranking of the inventory policy. */
export const CHANNEL_DEFAULT_RULE = 'channel-default';

/**
 * The sourcing schemas, built on the first parse of any of them rather than when the module loads:
 * sixteen functions carry this module, most of them for its decision's type or a rule check they
 * seldom make, and it builds 142 schemas (issue 27).
 */
const schemas = once(() => {
  /**
   * What a reservation records of the sourcing rule that chose its locations: enough for `order show`,
   * the trace and a later re-sourcing (the ranked candidates) without reading the rules again.
   */
  const SourcingDecision = z.object({
    /** The matched rule's id, or `channel-default` when no rule matched and the channel's ranking applied. */
    ruleId: z.string().check(z.minLength(1)),
    /** The rule set's version the rule was read from (0 for the channel default). */
    ruleVersion: z.number().check(z.int(), z.gte(0)),
    deliveryMethod: DeliveryMethod,
    /** Candidate locations, best first, after ranking. */
    candidates: z.array(z.string().check(z.minLength(1))),
    shipComplete: z.boolean(),
    maxParts: z.number().check(z.int(), z.positive()),
    /** One sentence a person reads: which rule, why it matched, how it ranked. */
    reason: z.string().check(z.minLength(1)),
    /** Units of each SKU the rule holds back at every store: a store's last units stay for its walk-in customers. */
    storeSafetyStock: z.optional(z.number().check(z.int(), z.gte(0))),
    /** When the reservation took the decision: where `order trace` places it. */
    decidedAt: z.optional(z.iso.datetime({ offset: true })),
  });

  const CountryCode = z.string().check(z.regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as US'));
  const Coordinates = z.strictObject({
    lat: z.number().check(z.gte(-90), z.lte(90)),
    lon: z.number().check(z.gte(-180), z.lte(180)),
  });
  const Name = z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'must be letters, digits, "-", "_" or "."'));
  /** A SKU exactly, or every SKU starting with a prefix: `TEE-*`. */
  const SkuPattern = z
    .string()
    .check(z.regex(/^[^#\s*]+\*?$/, 'must be a SKU, or a SKU prefix ending in * such as TEE-*'));

  /** A destination area: its countries, optionally narrowed to postal codes starting with a prefix; its centre measures distance. */
  const SourcingZone = z.strictObject({
    countries: z.array(CountryCode).check(z.minLength(1)),
    postalPrefixes: z.optional(z.array(z.string().check(z.minLength(1))).check(z.minLength(1))),
    centre: z.optional(Coordinates),
  });

  const RankBy = z.enum(['priority', 'stock', 'distance']);

  const SourcingRule = z.strictObject({
    id: Name,
    description: z.optional(z.string()),
    /** Every criterion given must hold; one left out matches any order. */
    when: z._default(
      z.strictObject({
        channels: z.optional(z.array(SalesChannel).check(z.minLength(1))),
        deliveryMethods: z.optional(z.array(DeliveryMethod).check(z.minLength(1))),
        countries: z.optional(z.array(CountryCode).check(z.minLength(1))),
        zones: z.optional(z.array(z.string().check(z.minLength(1))).check(z.minLength(1))),
        /** Every line's SKU must match one of these. */
        skus: z.optional(z.array(SkuPattern).check(z.minLength(1))),
        /** Every line's SKU must fall in one of these categories of the rule set. */
        categories: z.optional(z.array(z.string().check(z.minLength(1))).check(z.minLength(1))),
      }),
      {},
    ),
    /** Location ids of the inventory policy, in priority order; `pickup-store` is the store the customer chose. */
    locations: z.array(z.string().check(z.minLength(1))).check(z.minLength(1)),
    /** Criteria in order, each breaking the ties of the one before; rule order breaks the last ties. */
    rankBy: z._default(z.array(RankBy).check(z.minLength(1)), ['priority']),
    /** One location for the whole order, or split over at most maxParts locations (every candidate when left out). */
    split: z._default(
      z.strictObject({
        mode: z.enum(['ship_complete', 'split']),
        maxParts: z.optional(z.number().check(z.int(), z.positive())),
      }),
      { mode: 'split' },
    ),
    storeSafetyStock: z.optional(z.number().check(z.int(), z.gte(0))),
  });

  /** What a merchant writes (and POST /sourcing-rules takes): the rules, their zones and categories. */
  const SourcingRules = z.strictObject({
    zones: z._default(z.record(Name, SourcingZone), {}),
    /** A category is the SKUs matching its patterns (the canonical order names no category). */
    categories: z._default(z.record(Name, z.strictObject({ skus: z.array(SkuPattern).check(z.minLength(1)) })), {}),
    /** Tried in order: the first whose criteria all hold decides. */
    rules: z.array(SourcingRule),
  });

  /** A stored version of the rules: version n+1 is only written over n, and every version is kept. */
  const SourcingRuleSet = z.extend(SourcingRules, {
    version: z.number().check(z.int(), z.positive()),
    updatedAt: z.iso.datetime({ offset: true }),
    updatedBy: z.string().check(z.minLength(1)),
  });
  return { SourcingDecision, SourcingZone, RankBy, SourcingRule, SourcingRules, SourcingRuleSet };
});

export const SourcingDecision = /* @__PURE__ */ z.lazy(() => schemas().SourcingDecision);
export type SourcingDecision = z.infer<typeof SourcingDecision>;
export const SourcingZone = /* @__PURE__ */ z.lazy(() => schemas().SourcingZone);
export type SourcingZone = z.infer<typeof SourcingZone>;
export const RankBy = /* @__PURE__ */ z.lazy(() => schemas().RankBy);
export type RankBy = z.infer<typeof RankBy>;
export const SourcingRule = /* @__PURE__ */ z.lazy(() => schemas().SourcingRule);
export type SourcingRule = z.infer<typeof SourcingRule>;
export const SourcingRules = /* @__PURE__ */ z.lazy(() => schemas().SourcingRules);
export type SourcingRules = z.infer<typeof SourcingRules>;
export const SourcingRuleSet = /* @__PURE__ */ z.lazy(() => schemas().SourcingRuleSet);
export type SourcingRuleSet = z.infer<typeof SourcingRuleSet>;

/** What the rules need to know of a location (the inventory policy's locations satisfy it). */
export interface SourcingLocation {
  id: string;
  kind: 'warehouse' | 'store';
  coordinates?: { lat: number; lon: number };
  channelLocationIds?: Partial<Record<SalesChannel, string>>;
}

/**
 * Checks rules against the locations they name and against themselves, and returns them with their
 * defaults, or every problem with its path (`rules.2.locations.0: "store-9" is not a location ...`).
 */
export function validateSourcingRules(
  input: unknown,
  locations: readonly SourcingLocation[],
): { ok: true; rules: SourcingRules } | { ok: false; issues: FieldIssue[] } {
  const parsed = schemas()
    .SourcingRules.check(z.superRefine((rules, ctx) => checkRules(rules, locations, ctx)))
    .safeParse(input);
  return parsed.success ? { ok: true, rules: parsed.data } : { ok: false, issues: formatIssues(parsed.error) };
}

function checkRules(rules: SourcingRules, locations: readonly SourcingLocation[], ctx: z.core.$RefinementCtx): void {
  const byId = new Map(locations.map((location) => [location.id, location]));
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  const firstWithId = new Map<string, number>();
  rules.rules.forEach((rule, i) => {
    const at = (...path: (string | number)[]) => ['rules', i, ...path];
    const earlier = firstWithId.get(rule.id);
    if (earlier !== undefined) issue(at('id'), `repeats the id "${rule.id}" of rules.${earlier}`);
    else firstWithId.set(rule.id, i);
    rule.locations.forEach((id, k) => {
      if (id !== PICKUP_STORE && !byId.has(id))
        issue(
          at('locations', k),
          `"${id}" is not a location of the inventory policy (${[...byId.keys()].join(', ')}) nor "${PICKUP_STORE}"`,
        );
      if (rule.locations.indexOf(id) !== k) issue(at('locations', k), `lists "${id}" twice`);
    });
    if (new Set(rule.rankBy).size !== rule.rankBy.length) issue(at('rankBy'), 'names a criterion twice');
    rule.when.zones?.forEach((zone, k) => {
      if (!rules.zones[zone]) issue(at('when', 'zones', k), `"${zone}" is not one of this rule set's zones`);
    });
    rule.when.categories?.forEach((category, k) => {
      if (!rules.categories[category])
        issue(at('when', 'categories', k), `"${category}" is not one of this rule set's categories`);
    });
    const methods = rule.when.deliveryMethods;
    if (methods?.includes('pickup') && !rule.locations.includes(PICKUP_STORE))
      issue(at('locations'), `a pickup rule must list "${PICKUP_STORE}": pickup orders reserve at the store chosen`);
    if (rule.locations.includes(PICKUP_STORE) && (!methods || methods.some((method) => method !== 'pickup')))
      issue(at('when', 'deliveryMethods'), `must be ["pickup"] alone on a rule listing "${PICKUP_STORE}"`);
    if (methods?.every((method) => method === 'ship_from_store'))
      rule.locations.forEach((id, k) => {
        if (byId.get(id)?.kind === 'warehouse')
          issue(at('locations', k), `"${id}" is a warehouse; a ship_from_store rule lists stores`);
      });
    if (rule.rankBy.includes('distance')) {
      for (const id of rule.locations)
        if (byId.get(id) && !byId.get(id)?.coordinates)
          issue(at('rankBy'), `ranks by distance but "${id}" has no coordinates in the inventory policy`);
      if (!Object.values(rules.zones).some((zone) => zone.centre))
        issue(at('rankBy'), 'ranks by distance but no zone of the rule set has a centre to measure from');
    }
    if (rule.split.mode === 'ship_complete' && (rule.split.maxParts ?? 1) !== 1)
      issue(at('split', 'maxParts'), 'must be 1 or left out: ship_complete sends the order from one location');
  });
}

/** What sourcing reads of an order (the canonical order satisfies it). */
export interface SourcingOrder {
  channel: SalesChannel;
  lines: readonly { sku: string | null }[];
  delivery?: Delivery;
  shippingAddress?: Pick<Address, 'countryCode' | 'postalCode'>;
}

/** The locations the rules may name, and the channel's ranking of the inventory policy, used when no rule matches. */
export interface SourcingNetwork {
  locations: readonly SourcingLocation[];
  channelRanking: readonly string[];
}

/**
 * Decides where an order may be reserved: the first rule whose criteria all hold (else the channel's
 * ranking, `channel-default`), its candidates ranked by its criteria, ship complete or split. A pickup
 * order's only candidate is the store the customer chose (none when the channel's location id maps to
 * no store). `cover` tells how many of the order's units a location can cover now, for `stock`
 * ranking. Pure; the reason says which rule matched and how it ranked.
 */
export function chooseSourcing(
  order: SourcingOrder,
  ruleSet: SourcingRuleSet | undefined,
  network: SourcingNetwork,
  cover: (locationId: string) => number = () => 0,
): SourcingDecision {
  const method = order.delivery?.method ?? 'ship';
  const zone = ruleSet ? destinationZone(order.shippingAddress, ruleSet.zones) : undefined;
  const rule = ruleSet?.rules.find((candidate) => matches(candidate, order, ruleSet, zone));
  const pickupStore = method === 'pickup' ? pickupStoreOf(order, network.locations) : undefined;
  const pickupNote =
    method === 'pickup'
      ? pickupStore
        ? `; pickup reserves at ${pickupStore}, the store chosen`
        : `; pickup location "${order.delivery?.channelLocationId ?? '(none)'}" is no store of the inventory policy, so nothing is reservable`
      : '';
  if (!rule || !ruleSet) {
    const known = network.channelRanking.filter((id) => network.locations.some((location) => location.id === id));
    const candidates = method === 'pickup' ? (pickupStore ? [pickupStore] : []) : known;
    const why = ruleSet ? `no rule of version ${ruleSet.version} matched` : 'no sourcing rules are stored';
    return {
      ruleId: CHANNEL_DEFAULT_RULE,
      ruleVersion: 0,
      deliveryMethod: method,
      candidates,
      shipComplete: false,
      maxParts: Math.max(1, candidates.length),
      reason: `${why}: the ${order.channel} ranking applies (${candidates.join(', ') || 'no location'})${pickupNote}`,
    };
  }
  const listed =
    method === 'pickup'
      ? pickupStore
        ? [pickupStore]
        : []
      : rule.locations.filter((id) => id !== PICKUP_STORE && network.locations.some((l) => l.id === id));
  const centre = zone ? ruleSet.zones[zone]?.centre : undefined;
  const distance = (id: string) => {
    const at = network.locations.find((location) => location.id === id)?.coordinates;
    return at && centre ? kilometres(at, centre) : Number.POSITIVE_INFINITY;
  };
  const score = (id: string, criterion: RankBy) =>
    criterion === 'priority' ? listed.indexOf(id) : criterion === 'stock' ? -cover(id) : distance(id);
  const candidates = [...listed].sort((a, b) => {
    for (const criterion of rule.rankBy) {
      const difference = score(a, criterion) - score(b, criterion);
      if (difference !== 0 && !Number.isNaN(difference)) return difference;
    }
    return listed.indexOf(a) - listed.indexOf(b);
  });
  const shipComplete = rule.split.mode === 'ship_complete';
  const ranked = candidates.map((id) => {
    const facts = [
      ...(rule.rankBy.includes('stock') ? [`covers ${cover(id)}`] : []),
      ...(rule.rankBy.includes('distance') && Number.isFinite(distance(id)) ? [`${Math.round(distance(id))} km`] : []),
    ];
    return facts.length ? `${id} (${facts.join(', ')})` : id;
  });
  const matched = [
    order.channel,
    method,
    ...(order.shippingAddress ? [`to ${order.shippingAddress.countryCode}`] : []),
    ...(zone ? [`zone ${zone}`] : []),
  ].join(' ');
  const maxParts = shipComplete ? 1 : Math.max(1, Math.min(rule.split.maxParts ?? listed.length, listed.length || 1));
  return {
    ruleId: rule.id,
    ruleVersion: ruleSet.version,
    deliveryMethod: method,
    candidates,
    shipComplete,
    maxParts,
    reason: `rule "${rule.id}" (version ${ruleSet.version}) matched ${matched}; ranked by ${rule.rankBy.join(', ')}: ${ranked.join(', ') || 'no location'}; ${shipComplete ? 'ship complete' : `split over at most ${maxParts} location(s)`}${pickupNote}`,
    ...(rule.storeSafetyStock ? { storeSafetyStock: rule.storeSafetyStock } : {}),
  };
}

/** The store a pickup order names, through the channel's location ids the inventory policy maps. */
export function pickupStoreOf(order: SourcingOrder, locations: readonly SourcingLocation[]): string | undefined {
  const named = order.delivery?.channelLocationId;
  if (!named) return undefined;
  return locations.find(
    (location) => location.kind === 'store' && location.channelLocationIds?.[order.channel] === named,
  )?.id;
}

/** The first zone (in the order written) whose countries, and postal prefixes when it has any, hold the address. */
export function destinationZone(
  address: SourcingOrder['shippingAddress'],
  zones: Readonly<Record<string, SourcingZone>>,
): string | undefined {
  if (!address) return undefined;
  const postal = (address.postalCode ?? '').replace(/\s+/g, '').toUpperCase();
  return Object.entries(zones).find(
    ([, zone]) =>
      zone.countries.includes(address.countryCode) &&
      (!zone.postalPrefixes ||
        zone.postalPrefixes.some((prefix) => postal.startsWith(prefix.replace(/\s+/g, '').toUpperCase()))),
  )?.[0];
}

function matches(rule: SourcingRule, order: SourcingOrder, ruleSet: SourcingRules, zone: string | undefined): boolean {
  const { when } = rule;
  const skus = order.lines.flatMap((line) => (line.sku ? [line.sku] : []));
  const everySku = (patterns: readonly string[]) =>
    skus.length > 0 && skus.every((sku) => patterns.some((pattern) => skuMatches(sku, pattern)));
  return (
    (!when.channels || when.channels.includes(order.channel)) &&
    (!when.deliveryMethods || when.deliveryMethods.includes(order.delivery?.method ?? 'ship')) &&
    (!when.countries || (!!order.shippingAddress && when.countries.includes(order.shippingAddress.countryCode))) &&
    (!when.zones || (!!zone && when.zones.includes(zone))) &&
    (!when.skus || everySku(when.skus)) &&
    (!when.categories || everySku(when.categories.flatMap((name) => ruleSet.categories[name]?.skus ?? [])))
  );
}

/** `TEE-*` matches every SKU starting with `TEE-`; anything else matches itself only. */
export function skuMatches(sku: string, pattern: string): boolean {
  return pattern.endsWith('*') ? sku.startsWith(pattern.slice(0, -1)) : sku === pattern;
}

/** Great-circle distance (haversine), near enough to rank locations. */
function kilometres(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const radians = (degrees: number) => (degrees * Math.PI) / 180;
  const dLat = radians(b.lat - a.lat);
  const dLon = radians(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(radians(a.lat)) * Math.cos(radians(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}

/** The port through which the rules are kept: versioned, each version written once. */
export interface SourcingRuleRepository {
  /** The newest version, read strongly consistent; undefined while none was ever stored. */
  loadSourcingRules(): Promise<SourcingRuleSet | undefined>;
  readSourcingRuleVersion(version: number): Promise<SourcingRuleSet | undefined>;
  /** Every version, newest first. */
  listSourcingRuleVersions(): Promise<SourcingRuleSet[]>;
  /** Writes a version unless it exists: false when another writer stored it first. */
  putSourcingRules(ruleSet: SourcingRuleSet): Promise<boolean>;
}

export type SourcingRulesUpdate =
  | { outcome: 'saved'; ruleSet: SourcingRuleSet }
  | { outcome: 'invalid'; issues: FieldIssue[] }
  | { outcome: 'conflict'; currentVersion: number; message: string };

/**
 * Stores new rules as the next version: validated against the locations first; when `expectedVersion`
 * is given, only over that version; two writers racing for the same version, one wins and the other
 * is told `conflict`. Older versions are kept, so every reservation's decision can be read back.
 */
export async function updateSourcingRules(
  input: unknown,
  by: { updatedBy: string; expectedVersion?: number },
  ports: { rules: SourcingRuleRepository; locations: readonly SourcingLocation[]; now?: () => Date },
): Promise<SourcingRulesUpdate> {
  const checked = validateSourcingRules(input, ports.locations);
  if (!checked.ok) return { outcome: 'invalid', issues: checked.issues };
  const current = (await ports.rules.loadSourcingRules())?.version ?? 0;
  if (by.expectedVersion !== undefined && by.expectedVersion !== current)
    return {
      outcome: 'conflict',
      currentVersion: current,
      message: `expectedVersion is ${by.expectedVersion} but the rules are at version ${current}`,
    };
  const ruleSet: SourcingRuleSet = {
    ...checked.rules,
    version: current + 1,
    updatedAt: (ports.now?.() ?? new Date()).toISOString(),
    updatedBy: by.updatedBy,
  };
  if (await ports.rules.putSourcingRules(ruleSet)) return { outcome: 'saved', ruleSet };
  return {
    outcome: 'conflict',
    currentVersion: current + 1,
    message: `version ${current + 1} was stored by someone else meanwhile; read it and try again`,
  };
}
