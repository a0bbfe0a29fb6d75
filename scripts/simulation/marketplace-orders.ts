import { createHash } from 'node:crypto';
import type { ChannelSkuKey } from '#domain/kernel/sku-cross-reference';
import { formatDecimalMoney } from '#domain/kernel/money';
import { amazonOrderChange, walmartDeliveryHeaders, walmartOrderEvent } from '../sample/channel-samples';

/*
 * Amazon, eBay and Walmart orders for the simulated day. Their notifications are thin, so each builder
 * returns what the channel API stub must hold for the fabric to fetch (or, for eBay, pull), what the
 * channel sends, and what the day should then find: the canonical total and the units per channel SKU.
 * The money is a US seller's in Texas, as in the fixtures (test/fixtures/{amazon,ebay,walmart}):
 * prices exclude tax, 8.25 % sales tax is rounded per line, and shipping is 4.99 (taxed where the
 * channel taxes it) below a 35.00 subtotal and free from there. Every amount the payload states is
 * computed here in cents, and the total is their sum, so each mapper's total check holds to the cent.
 * Pure and deterministic: the same request gives the same payloads, byte for byte.
 */

export type MarketplaceChannel = 'amazon' | 'ebay' | 'walmart';

/** One line of a simulated order: a channel SKU, its title, a unit price in US cents, and the units. */
export interface MarketplaceLine {
  channelSku: string;
  title: string;
  unitPriceMinor: number;
  quantity: number;
}

/** Which order of which simulated day; ids depend on these alone, and differ whenever one does. */
export interface SimulatedOrderRef {
  seed: number;
  run: number;
  index: number;
}

/** The largest seed, run and index an id can carry: eBay's 12 digits hold 4 + 3 + 5 of them. */
export const SIMULATED_ORDER_REF_LIMITS: Readonly<SimulatedOrderRef> = { seed: 9_999, run: 999, index: 99_999 };

export interface MarketplaceOrderRequest {
  ref: SimulatedOrderRef;
  /** When the buyer placed the order (any ISO date-time); stamped on the payload and the notification. */
  placedAt: string;
  lines: readonly MarketplaceLine[];
}

/** What the day should find once the fabric has the order: `GET /orders/by-channel/{channel}/{channelOrderId}`. */
export interface MarketplaceOrderExpectation<C extends MarketplaceChannel> {
  channel: C;
  channelOrderId: string;
  currency: 'USD';
  /** The channel's order total, which the canonical order's totals.total must equal. */
  totalMinor: number;
  unitsByChannelSku: Record<string, number>;
}

export interface AmazonSimulatedOrder extends MarketplaceOrderExpectation<'amazon'> {
  /** For `stub.amazon.orders.set(channelOrderId, apiOrder)`: getOrder's payload and every getOrderItems item. */
  apiOrder: { order: Record<string, unknown>; items: Record<string, unknown>[] };
  /** The ORDER_CHANGE (Unshipped) message body SP-API writes to the amazon-notifications queue. */
  notification: string;
}

export interface EbaySimulatedOrder extends MarketplaceOrderExpectation<'ebay'> {
  /** For `stub.ebay.orders.set(channelOrderId, apiOrder)`: the order getOrders and getOrder return. */
  apiOrder: Record<string, unknown>;
}

export interface WalmartSimulatedOrder extends MarketplaceOrderExpectation<'walmart'> {
  /** For `stub.walmart.orders.set(channelOrderId, apiOrder)`: the purchase order Orders v3 returns. */
  apiOrder: Record<string, unknown>;
  /** The PO_CREATED notification body; sign it with walmartDelivery. */
  notification: string;
}

/**
 * The cross-reference key of a channel SKU, for `DynamoSkuCrossReference.mapSku(channel, key, sku)`.
 * The builders put the channel SKU where each channel carries the seller's SKU (Amazon SellerSKU, eBay
 * lineItems[].sku, Walmart item.sku), and every mapper resolves by that before any fallback (the
 * ASIN; the eBay listing variation or item id), so the key is the channel SKU itself on all three.
 */
export const marketplaceSkuKeys: Readonly<Record<MarketplaceChannel, (channelSku: string) => ChannelSkuKey>> = {
  amazon: sellerSkuKey,
  ebay: sellerSkuKey,
  walmart: sellerSkuKey,
};

function sellerSkuKey(channelSku: string): ChannelSkuKey {
  return { channelSku };
}

/**
 * An Amazon.com order (Unshipped, merchant-fulfilled) as getOrder and getOrderItems return it, with
 * the ORDER_CHANGE notification that makes the fabric fetch it. Its id is `113-SSSSRRR-00IIIII`
 * (seed, run, index). Throws RangeError for a ref beyond SIMULATED_ORDER_REF_LIMITS or a line
 * without a SKU, a whole positive quantity or a whole positive price in cents.
 */
export function buildAmazonOrder(request: MarketplaceOrderRequest): AmazonSimulatedOrder {
  const { serial, placedAt, priced } = prepare(request, { shippingTaxed: true });
  const amazonOrderId = `113-${serial.slice(0, 7)}-00${serial.slice(7)}`;
  const money = (amountMinor: number) => ({ CurrencyCode: 'USD', Amount: usd(amountMinor) });
  const order = {
    AmazonOrderId: amazonOrderId,
    PurchaseDate: placedAt,
    LastUpdateDate: placedAt,
    OrderStatus: 'Unshipped',
    FulfillmentChannel: 'MFN',
    SalesChannel: 'Amazon.com',
    ShipServiceLevel: 'Std US D2D Dom',
    OrderType: 'StandardOrder',
    NumberOfItemsShipped: 0,
    NumberOfItemsUnshipped: priced.units,
    MarketplaceId: 'ATVPDKIKX0DER',
    ShippingAddress: { City: 'AUSTIN', StateOrRegion: 'TX', PostalCode: '78701', CountryCode: 'US' },
    OrderTotal: money(priced.totalMinor),
  };
  const items = priced.lines.map((line, i) => ({
    ASIN: asinOf(line.channelSku),
    SellerSKU: line.channelSku,
    OrderItemId: lineIdOf(serial, i),
    Title: line.title,
    QuantityOrdered: line.quantity,
    QuantityShipped: 0,
    ItemPrice: money(line.extendedMinor),
    ItemTax: money(line.taxMinor),
    // Amazon states shipping per item; the order's one charge sits on its first item.
    ShippingPrice: money(i === 0 ? priced.shippingMinor : 0),
    ShippingTax: money(i === 0 ? priced.shippingTaxMinor : 0),
    ShippingDiscount: money(0),
    ShippingDiscountTax: money(0),
    PromotionDiscount: money(0),
    PromotionDiscountTax: money(0),
  }));
  return {
    ...expectation('amazon', amazonOrderId, priced),
    apiOrder: { order, items },
    notification: amazonOrderChange(amazonOrderId, 'Unshipped', `sim-${amazonOrderId}-unshipped`, undefined, placedAt),
  };
}

/**
 * An eBay US order (paid, not yet shipped) as the Fulfillment API's getOrders and getOrder return it.
 * The fabric pulls it with the ebay-order-poller, by lastModifiedDate: that is `lastModifiedAt`, or
 * `placedAt` when absent (see the poller's window in shared/domain/intake/order-pull.ts before choosing).
 * eBay collects and remits the sales tax and states it per line item, on the item price only. Its id
 * is `SS-SSRRR-IIIII` (seed, run, index). Throws RangeError as buildAmazonOrder does.
 */
export function buildEbayOrder(request: MarketplaceOrderRequest & { lastModifiedAt?: string }): EbaySimulatedOrder {
  const { serial, placedAt, priced } = prepare(request, { shippingTaxed: false });
  const orderId = `${serial.slice(0, 2)}-${serial.slice(2, 7)}-${serial.slice(7)}`;
  const amount = (amountMinor: number) => ({ value: usd(amountMinor), currency: 'USD' });
  const total = amount(priced.totalMinor);
  return {
    ...expectation('ebay', orderId, priced),
    apiOrder: {
      orderId,
      creationDate: placedAt,
      lastModifiedDate: isoTime(request.lastModifiedAt ?? placedAt, 'lastModifiedAt'),
      orderFulfillmentStatus: 'NOT_STARTED',
      orderPaymentStatus: 'PAID',
      sellerId: 'fabric_demo_store',
      pricingSummary: {
        priceSubtotal: amount(priced.lines.reduce((sum, line) => sum + line.extendedMinor, 0)),
        deliveryCost: amount(priced.shippingMinor),
        tax: amount(priced.lines.reduce((sum, line) => sum + line.taxMinor, 0)),
        total,
      },
      cancelStatus: { cancelState: 'NONE_REQUESTED', cancelRequests: [] },
      paymentSummary: {
        totalDueSeller: total,
        refunds: [],
        payments: [{ paymentMethod: 'EBAY', paymentDate: placedAt, amount: total, paymentStatus: 'PAID' }],
      },
      fulfillmentStartInstructions: [
        {
          fulfillmentInstructionsType: 'SHIP_TO',
          shippingStep: { shippingCarrierCode: 'USPS', shippingServiceCode: 'USPSPriority' },
        },
      ],
      lineItems: priced.lines.map((line, i) => {
        const shipping = i === 0 ? priced.shippingMinor : 0;
        const tax = { taxType: 'STATE_SALES_TAX', amount: amount(line.taxMinor) };
        return {
          lineItemId: lineIdOf(serial, i),
          legacyItemId: listingIdOf(line.channelSku),
          sku: line.channelSku,
          title: line.title,
          lineItemCost: amount(line.extendedMinor),
          quantity: line.quantity,
          soldFormat: 'FIXED_PRICE',
          listingMarketplaceId: 'EBAY_US',
          purchaseMarketplaceId: 'EBAY_US',
          lineItemFulfillmentStatus: 'NOT_STARTED',
          total: amount(line.extendedMinor + shipping + line.taxMinor),
          deliveryCost: { shippingCost: amount(shipping) },
          appliedPromotions: [],
          taxes: [tax],
          ebayCollectAndRemitTaxes: [{ ...tax, collectionMethod: 'NET' }],
        };
      }),
    },
  };
}

/**
 * A Walmart Marketplace purchase order (its lines Created) as Orders v3 returns it, with the
 * PO_CREATED notification that makes the fabric fetch it. Each line carries all its units (Multi-Line
 * Multi-Quantity), so its ItemPrice charge is extended; the shipping charge sits on the first line.
 * Its purchaseOrderId is `108SSSSRRRIIIII` (seed, run, index). Throws RangeError as buildAmazonOrder does.
 */
export function buildWalmartOrder(request: MarketplaceOrderRequest): WalmartSimulatedOrder {
  const { serial, placedAt, priced } = prepare(request, { shippingTaxed: true });
  const purchaseOrderId = `108${serial}`;
  // Walmart's answers give dates as epoch milliseconds and amounts as JSON numbers.
  const orderDate = Date.parse(placedAt);
  const charge = (chargeType: 'PRODUCT' | 'SHIPPING', chargeName: string, amountMinor: number, taxMinor: number) => ({
    chargeType,
    chargeName,
    chargeAmount: { currency: 'USD', amount: Number(usd(amountMinor)) },
    tax: { taxName: 'Tax1', taxAmount: { currency: 'USD', amount: Number(usd(taxMinor)) } },
  });
  const units = (quantity: number) => ({ unitOfMeasurement: 'EACH', amount: String(quantity) });
  const orderLine = priced.lines.map((line, i) => ({
    lineNumber: String(i + 1),
    item: { productName: line.title, sku: line.channelSku },
    charges: {
      charge: [
        charge('PRODUCT', 'ItemPrice', line.extendedMinor, line.taxMinor),
        ...(i === 0 && priced.shippingMinor > 0
          ? [charge('SHIPPING', 'Shipping', priced.shippingMinor, priced.shippingTaxMinor)]
          : []),
      ],
    },
    orderLineQuantity: units(line.quantity),
    statusDate: orderDate,
    orderLineStatuses: {
      orderLineStatus: [
        { status: 'Created', statusQuantity: units(line.quantity), cancellationReason: null, trackingInfo: null },
      ],
    },
    refund: null,
    fulfillment: { fulfillmentOption: 'S2H', shipMethod: 'STANDARD' },
  }));
  return {
    ...expectation('walmart', purchaseOrderId, priced),
    apiOrder: {
      purchaseOrderId,
      customerOrderId: `200${serial}`,
      orderType: 'REGULAR',
      orderDate,
      shippingInfo: { methodCode: 'Standard' },
      orderLines: { orderLine },
      orderSummary: {
        totalAmount: { currencyAmount: Number(usd(priced.totalMinor)), currencyUnit: 'USD' },
        orderSubTotals: [],
      },
      shipNode: { type: 'SellerFulfilled' },
    },
    notification: walmartOrderEvent(purchaseOrderId, {
      eventId: `sim-${purchaseOrderId}-po-created`,
      eventTime: placedAt,
    }),
  };
}

/** The PO_CREATED delivery as Walmart posts it to `/webhooks/walmart`: the body and its HMAC headers under the subscription's client secret. */
export function walmartDelivery(
  order: WalmartSimulatedOrder,
  clientSecret: string,
): { body: string; headers: Record<string, string> } {
  return { body: order.notification, headers: walmartDeliveryHeaders(order.notification, clientSecret) };
}

const SALES_TAX_BASIS_POINTS = 825;
const SHIPPING_MINOR = 499;
const FREE_SHIPPING_FROM_MINOR = 3_500;
/** Line ids are the order's 12-digit serial and a 2-digit line number, like Amazon's and eBay's 14 digits. */
const MAX_LINES = 99;

interface PricedOrder {
  lines: (MarketplaceLine & { extendedMinor: number; taxMinor: number })[];
  units: number;
  shippingMinor: number;
  shippingTaxMinor: number;
  totalMinor: number;
}

function prepare(
  request: MarketplaceOrderRequest,
  options: { shippingTaxed: boolean },
): { serial: string; placedAt: string; priced: PricedOrder } {
  return {
    serial: serialOf(request.ref),
    placedAt: isoTime(request.placedAt, 'placedAt'),
    priced: price(request.lines, options),
  };
}

function price(lines: readonly MarketplaceLine[], { shippingTaxed }: { shippingTaxed: boolean }): PricedOrder {
  if (lines.length === 0 || lines.length > MAX_LINES)
    throw new RangeError(`an order has 1 to ${MAX_LINES} lines, not ${lines.length}`);
  const priced = lines.map((line, i) => {
    if (!line.channelSku) throw new RangeError(`lines.${i}.channelSku is empty`);
    if (!Number.isSafeInteger(line.quantity) || line.quantity < 1)
      throw new RangeError(`lines.${i}.quantity ${line.quantity} is not a whole positive number of units`);
    if (!Number.isSafeInteger(line.unitPriceMinor) || line.unitPriceMinor < 1)
      throw new RangeError(`lines.${i}.unitPriceMinor ${line.unitPriceMinor} is not a whole positive number of cents`);
    const extendedMinor = line.unitPriceMinor * line.quantity;
    return { ...line, extendedMinor, taxMinor: salesTax(extendedMinor) };
  });
  const subtotal = priced.reduce((sum, line) => sum + line.extendedMinor, 0);
  const shippingMinor = subtotal >= FREE_SHIPPING_FROM_MINOR ? 0 : SHIPPING_MINOR;
  const shippingTaxMinor = shippingTaxed ? salesTax(shippingMinor) : 0;
  return {
    lines: priced,
    units: priced.reduce((sum, line) => sum + line.quantity, 0),
    shippingMinor,
    shippingTaxMinor,
    totalMinor: subtotal + priced.reduce((sum, line) => sum + line.taxMinor, 0) + shippingMinor + shippingTaxMinor,
  };
}

/** Rounded half up in whole cents; integer arithmetic, so a half cent is never a float's guess. */
function salesTax(amountMinor: number): number {
  return Math.floor((amountMinor * SALES_TAX_BASIS_POINTS + 5_000) / 10_000);
}

function expectation<C extends MarketplaceChannel>(
  channel: C,
  channelOrderId: string,
  priced: PricedOrder,
): MarketplaceOrderExpectation<C> {
  const unitsByChannelSku: Record<string, number> = {};
  for (const line of priced.lines)
    unitsByChannelSku[line.channelSku] = (unitsByChannelSku[line.channelSku] ?? 0) + line.quantity;
  return { channel, channelOrderId, currency: 'USD', totalMinor: priced.totalMinor, unitsByChannelSku };
}

/** seed, run and index as 4 + 3 + 5 digits: one-to-one within the limits, so no two refs share an id. */
function serialOf(ref: SimulatedOrderRef): string {
  const widths: [keyof SimulatedOrderRef, number][] = [
    ['seed', 4],
    ['run', 3],
    ['index', 5],
  ];
  return widths
    .map(([field, width]) => {
      const value = ref[field];
      if (!Number.isSafeInteger(value) || value < 0 || value > SIMULATED_ORDER_REF_LIMITS[field]) {
        throw new RangeError(
          `${field} ${value} is outside 0..${SIMULATED_ORDER_REF_LIMITS[field]}, the range a marketplace order id can carry`,
        );
      }
      return String(value).padStart(width, '0');
    })
    .join('');
}

function lineIdOf(serial: string, lineIndex: number): string {
  return `${serial}${String(lineIndex + 1).padStart(2, '0')}`;
}

function isoTime(value: string, field: string): string {
  const at = Date.parse(value);
  if (Number.isNaN(at)) throw new RangeError(`${field} "${value}" is not a date-time`);
  return new Date(at).toISOString();
}

function usd(amountMinor: number): string {
  return formatDecimalMoney({ amountMinor, currency: 'USD' });
}

/** A stable ASIN per channel SKU (B0 and eight of [0-9A-Z]), as the catalogue would give it. */
function asinOf(channelSku: string): string {
  return `B0${BigInt(`0x${digest('asin', channelSku)}`)
    .toString(36)
    .toUpperCase()
    .slice(-8)
    .padStart(8, '0')}`;
}

/** A stable 12-digit eBay listing id per channel SKU. */
function listingIdOf(channelSku: string): string {
  return `1${(BigInt(`0x${digest('listing', channelSku)}`) % 10n ** 11n).toString().padStart(11, '0')}`;
}

function digest(purpose: string, channelSku: string): string {
  return createHash('sha256').update(`${purpose}:${channelSku}`).digest('hex');
}
