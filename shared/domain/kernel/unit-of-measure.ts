import * as z from '#domain/kernel/schema';

/**
 * Units goods are measured in rather than counted: a store weighs cheese by the kg and cuts rope by
 * the metre. Quantities of them are integers in thousandths of the unit (0.420 kg is 420), so stock
 * and money arithmetic stays exact: no float ever holds a weight.
 */
export const MeasureUnit = z.enum(['kg', 'g', 'lb', 'oz', 'l', 'ml', 'm', 'ft']);
export type MeasureUnit = z.infer<typeof MeasureUnit>;

/** What a SKU's stock counts: whole units (each), or thousandths of a measure unit. */
export const StockUnit = z.enum(['each', ...MeasureUnit.options]);
export type StockUnit = z.infer<typeof StockUnit>;

/** A weighed or measured quantity: 0.420 kg is { unit: 'kg', thousandths: 420 }. */
export const Measure = z.object({
  unit: MeasureUnit,
  thousandths: z.number().check(z.int(), z.positive(), z.lte(Number.MAX_SAFE_INTEGER)),
});
export type Measure = z.infer<typeof Measure>;

/**
 * The spellings stores write, each to its unit: our own codes, common abbreviations, and the UN/ECE
 * Recommendation 20 codes that ARTS POSLog's UnitOfMeasureCode carries (KGM, LBR, LTR, EA, C62 ...).
 */
const SPELLINGS: Record<string, StockUnit> = {
  each: 'each',
  ea: 'each',
  pc: 'each',
  pcs: 'each',
  pce: 'each',
  unit: 'each',
  units: 'each',
  c62: 'each',
  h87: 'each',
  kg: 'kg',
  kgm: 'kg',
  g: 'g',
  grm: 'g',
  lb: 'lb',
  lbs: 'lb',
  lbr: 'lb',
  oz: 'oz',
  onz: 'oz',
  l: 'l',
  ltr: 'l',
  ml: 'ml',
  mlt: 'ml',
  m: 'm',
  mtr: 'm',
  ft: 'ft',
  fot: 'ft',
};

/** The unit a store's spelling names (case-insensitive), or undefined when it names none we keep stock in. */
export function readUnitOfMeasure(text: string): StockUnit | undefined {
  return SPELLINGS[text.trim().toLowerCase()];
}

/** The spellings readUnitOfMeasure accepts, for a message that tells the store what to write. */
export const UNIT_SPELLINGS_HINT =
  'each (or EA, C62), kg (KGM), g (GRM), lb (LBR), oz (ONZ), l (LTR), ml (MLT), m (MTR), ft (FOT)';

/**
 * "0.420" as 420 thousandths. Undefined for text that is not a plain non-negative decimal or has more
 * than three decimals: a finer quantity would have to be rounded, and stock is never rounded.
 */
export function parseThousandths(text: string): number | undefined {
  const match = /^(\d+)(?:\.(\d{1,3}))?$/.exec(text.trim());
  if (!match) return undefined;
  const thousandths = Number(match[1]) * 1000 + Number((match[2] ?? '').padEnd(3, '0'));
  return Number.isSafeInteger(thousandths) ? thousandths : undefined;
}

/** 420 thousandths of a kg as "0.420 kg". */
export function formatMeasure(measure: Measure): string {
  const whole = Math.floor(measure.thousandths / 1000);
  const rest = String(measure.thousandths % 1000).padStart(3, '0');
  return `${whole}.${rest} ${measure.unit}`;
}

/**
 * What a measured quantity costs at a price per unit, in minor units: the exact product lies between
 * `floor` and `ceil`; `nearest` rounds half up, as a scale does. A till may round either way, so a
 * line amount it gives is accepted when it is `floor` or `ceil`.
 */
export function measuredPrice(
  unitPriceMinor: number,
  thousandths: number,
): { floor: number; ceil: number; nearest: number } {
  const exact = BigInt(unitPriceMinor) * BigInt(thousandths);
  const floor = exact / 1000n;
  const remainder = exact % 1000n;
  return {
    floor: Number(floor),
    ceil: Number(remainder === 0n ? floor : floor + 1n),
    nearest: Number(remainder >= 500n ? floor + 1n : floor),
  };
}
