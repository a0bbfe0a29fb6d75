import { formatDecimalMoney } from '#domain/kernel/money';
import type { PlannedOrder, ScenarioOptions, SimulatedSku } from './scenario';

export const BUSINESS_DATE = '2026-11-23';

/** The day's money as the channels' and tills' files write it: US dollars, two decimals. */
export const usd = (amountMinor: number) => formatDecimalMoney({ amountMinor, currency: 'USD' });

export interface PosBatch {
  storeId: string;
  businessDate: string;
  batchId: string;
  csv: string;
  /** The store was offline for hours: its batch comes after the online day. */
  late: boolean;
  /** A store re-sending a batch it already sent, overlapping the next one: nothing may count twice. */
  replay: boolean;
}

/** Stock the warehouse sends a store during the day: only available units move. */
export interface PlannedTransfer {
  transferId: string;
  sku: string;
  toLocationId: string;
  quantity: number;
}

/** A sale rung up on a Square till in a store: a completed in-person Square order the fabric fetches. */
export interface SquareTillSale {
  storeId: string;
  squareOrderId: string;
  /** The Square order as RetrieveOrder returns it. */
  payload: Record<string, unknown>;
}

/** The Square location of the first store's till, mapped to that store (configureSimulationEnvironment). */
export const SQUARE_TILL_LOCATION = 'LSIMTILL0001';

export interface StoreDay {
  posBatches: PosBatch[];
  /** The first store also sells through a Square till: its sales count in posUnits like its batches'. */
  squareTillSales: SquareTillSale[];
  /** The evening batches of the stores that took back online orders; uploaded once those orders shipped. */
  returnBatches: PosBatch[];
  /** POS units sold per store and SKU, each transaction once. */
  posUnits: Record<string, Record<string, number>>;
  storeStock: Record<string, Record<string, number>>;
  transfers: PlannedTransfer[];
}

/** The store's location id on Shopify, where its local pickups are assigned (the inventory policy maps it back). */
export function shopifyLocationId(storeId: string): string {
  return String(72_000_000_000 + Number(storeId.replace(/\D/g, '')));
}

export function storeIds(stores: number): string[] {
  return Array.from({ length: stores }, (_, i) => `store-${String(i + 1).padStart(3, '0')}`);
}

const HEADER =
  'store_id,register_id,business_day,sequence,ended_at,currency,disposition,operator_id,record_type,item_code,description,quantity,unit_price,discount,amount,reason_code,tender_method,original_order';
const csv = (rows: string[][]) => `${[HEADER, ...rows.flat()].join('\n')}\n`;
const taxOf = (minor: number) => Math.round(minor * 0.08);

/**
 * Each store's till day as CSV batches: two batches per store; the last store is offline for hours
 * and sends both late; the first store re-sends its first batch inside a second one (a replay that
 * overlaps), which must count once. Stores that take back online orders send a third, evening batch
 * whose return rows name the order (`original_order`). The warehouse replenishes each store with two of
 * the `replenished` SKUs by transfer. Pure: the random source decides.
 */
export function buildStoreDay(
  options: ScenarioOptions,
  skus: SimulatedSku[],
  replenished: SimulatedSku[],
  orders: readonly PlannedOrder[],
  random: () => number,
): StoreDay {
  const posBatches: PosBatch[] = [];
  const squareTillSales: SquareTillSale[] = [];
  const returnBatches: PosBatch[] = [];
  const posUnits: Record<string, Record<string, number>> = {};
  const storeStock: Record<string, Record<string, number>> = {};
  const transfers: PlannedTransfer[] = [];
  const ids = storeIds(options.stores);
  const perStore = Math.max(4, Math.round(options.orders / Math.max(1, options.stores) / 2));
  const run = options.runNumber ?? 0;
  const register = `R${1 + (run % 9)}`;
  ids.forEach((storeId, s) => {
    posUnits[storeId] = {};
    const transactions: string[][] = [];
    for (let t = 0; t < perStore; t += 1) {
      const sku = skus[Math.floor(random() * skus.length)];
      const quantity = 1 + Math.floor(random() * 2);
      const amount = sku.priceMinor * quantity;
      const tax = taxOf(amount);
      const common = `${storeId},${register},${BUSINESS_DATE},${1000 + t},${BUSINESS_DATE}T${String(9 + (Math.floor(t / 60) % 10)).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}:00-05:00,USD,completed,op-1`;
      transactions.push([
        `${common},sale,${sku.posItemCode},${sku.sku},${quantity},${usd(sku.priceMinor)},,${usd(amount)},,,`,
        `${common},tax,,,,,,${usd(tax)},,,`,
        `${common},tender,,,,,,${usd(amount + tax)},,card,`,
      ]);
      posUnits[storeId][sku.sku] = (posUnits[storeId][sku.sku] ?? 0) + quantity;
    }
    if (s === 0) {
      // Chosen without the day's random draws, so the rest of the day is what it was without them.
      for (let t = 0; t < Math.max(2, Math.round(perStore / 4)); t += 1) {
        const sku = skus[t % skus.length];
        const quantity = 1 + (t % 2);
        const squareOrderId = `SIMTILLS${options.seed}R${run}T${t}`;
        squareTillSales.push({ storeId, squareOrderId, payload: squareTillSale(squareOrderId, sku, quantity, t) });
        posUnits[storeId][sku.sku] = (posUnits[storeId][sku.sku] ?? 0) + quantity;
      }
    }
    storeStock[storeId] = Object.fromEntries(skus.map((sku) => [sku.sku, (posUnits[storeId][sku.sku] ?? 0) + 3]));
    const half = Math.ceil(transactions.length / 2);
    const late = s === ids.length - 1 && ids.length > 1;
    posBatches.push({
      storeId,
      businessDate: BUSINESS_DATE,
      batchId: `r${run}-b1`,
      csv: csv(transactions.slice(0, half)),
      late,
      replay: false,
    });
    // The first store's second upload carries its first batch again (the till re-sent what it was unsure of).
    posBatches.push({
      storeId,
      businessDate: BUSINESS_DATE,
      batchId: `r${run}-b2`,
      csv: csv(s === 0 ? transactions : transactions.slice(half)),
      late,
      replay: s === 0,
    });

    const returns = orders.filter((order) => order.storeReturn?.storeId === storeId);
    if (returns.length > 0) {
      const rows = returns.map((order, r) => {
        const back = order.storeReturn!;
        const sku = skus.find((candidate) => candidate.sku === back.sku)!;
        const amount = sku.priceMinor * back.units;
        const tax = taxOf(amount);
        const common = `${storeId},${register},${BUSINESS_DATE},${2000 + r},${BUSINESS_DATE}T19:${String(r % 60).padStart(2, '0')}:00-05:00,USD,completed,op-2`;
        return [
          `${common},return,${sku.posItemCode},${sku.sku},${back.units},${usd(sku.priceMinor)},,${usd(amount)},${back.reasonCode},,${order.channel}:${order.channelOrderId}`,
          `${common},tax,,,,,,${usd(-tax)},,,`,
          `${common},tender,,,,,,${usd(-(amount + tax))},,card,`,
        ];
      });
      returnBatches.push({
        storeId,
        businessDate: BUSINESS_DATE,
        batchId: `r${run}-b3`,
        csv: csv(rows),
        late: false,
        replay: false,
      });
    }

    const first = Math.floor(random() * replenished.length);
    for (const sku of new Set([replenished[first], replenished[(first + 1) % replenished.length]])) {
      transfers.push({
        transferId: `sim-r${run}-transfer-${storeId}-${sku.sku}`,
        sku: sku.sku,
        toLocationId: storeId,
        quantity: 2,
      });
    }
  });
  return { squareTillSales, posBatches, returnBatches, posUnits, storeStock, transfers };
}

/**
 * A Square till sale as RetrieveOrder returns it: COMPLETED at the store's Square location, no
 * fulfillment (in person), paid by card, additive tax, integer minor units and string quantities.
 */
function squareTillSale(id: string, sku: SimulatedSku, quantity: number, t: number): Record<string, unknown> {
  const money = (amount: number) => ({ amount, currency: 'USD' });
  const gross = sku.priceMinor * quantity;
  const tax = Math.round(gross * 0.0825);
  const at = `${BUSINESS_DATE}T${String(15 + (t % 6)).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}:00.000Z`;
  return {
    id,
    location_id: SQUARE_TILL_LOCATION,
    state: 'COMPLETED',
    version: 3,
    created_at: at,
    updated_at: at,
    closed_at: at,
    line_items: [
      {
        uid: `${id}-L1`,
        catalog_object_id: `SQV${sku.variantId}`,
        name: sku.sku,
        quantity: String(quantity),
        base_price_money: money(sku.priceMinor),
        gross_sales_money: money(gross),
        total_tax_money: money(tax),
        total_discount_money: money(0),
        total_money: money(gross + tax),
        applied_taxes: [{ uid: `${id}-tax`, tax_uid: 'till-tax', applied_money: money(tax) }],
      },
    ],
    taxes: [
      {
        uid: 'till-tax',
        name: 'State tax',
        percentage: '8.25',
        type: 'ADDITIVE',
        scope: 'LINE_ITEM',
        applied_money: money(tax),
      },
    ],
    tenders: [{ id: `${id}-T1`, type: 'CARD', amount_money: money(gross + tax) }],
    total_money: money(gross + tax),
    total_tax_money: money(tax),
    total_discount_money: money(0),
    total_tip_money: money(0),
    total_service_charge_money: money(0),
  };
}
