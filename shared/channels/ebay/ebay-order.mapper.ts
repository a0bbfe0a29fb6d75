import { type ChannelOrderMapper, OrderMappingError } from '#domain/intake/channel-ports';
import type { SkuLookup } from '#domain/kernel/sku-cross-reference';
import { canonicalStatus, completeOrder, currencyAt, moneyAt, quantityAt, unitPriceOf, utc } from '../order-mapping';
import {
  type Address,
  type Order,
  type OrderLine,
  type OrderStatus,
  type Shipping,
  orderIdFor,
} from '#domain/kernel/order';
import { type Money, sumMoney } from '#domain/kernel/money';
import type { ChannelRefund } from '#domain/returns/refund-report';
import type { EbayAmount, EbayOrder } from './ebay-order.schema';

/** eBay marketplaces that list prices including VAT or GST; elsewhere (US, CA) sales tax is added. */
export const TAX_INCLUSIVE_EBAY_MARKETPLACES: ReadonlySet<string> = new Set([
  'EBAY_GB',
  'EBAY_DE',
  'EBAY_FR',
  'EBAY_IT',
  'EBAY_ES',
  'EBAY_AT',
  'EBAY_BE',
  'EBAY_NL',
  'EBAY_IE',
  'EBAY_PL',
  'EBAY_CH',
  'EBAY_AU',
]);

/** The eBay order to canonical order mapping; see mapEbayOrder. */
export const ebayOrderMapper: ChannelOrderMapper<EbayOrder> = {
  channel: 'ebay',
  channelOrderId: (order) => order.orderId,
  skuKeys: (order) => order.lineItems.map((line) => skuKey(line)),
  toCanonicalOrder: (order, lookupSku) => mapEbayOrder(order, lookupSku),
  refunds: (order) => ebayRefunds(order),
};

function skuKey(line: EbayOrder['lineItems'][number]) {
  // Without a seller SKU, the listing variation (or the listing itself) is what the cross-reference maps.
  const listing = line.legacyVariationId ?? line.legacyItemId;
  return { channelSku: line.sku ?? '', ...(listing ? { variantId: listing } : {}) };
}

/**
 * Maps an eBay order to the canonical order. The rules:
 * - lineItemCost is extended: the unit price is lineItemCost / quantity, exactly, or a mapping error;
 * - a line's discount is the sum of its appliedPromotions; its taxes are its `taxes` (eBay lists
 *   'Collect and Remit' tax there too, and includes it in pricingSummary.total);
 * - shipping is one line: pricingSummary.deliveryCost, discounted by -deliveryDiscount;
 * - listings on VAT/GST marketplaces are tax-inclusive, others tax-exclusive;
 * - the result must reproduce pricingSummary.total to the minor unit.
 */
export function mapEbayOrder(order: EbayOrder, lookupSku: SkuLookup): Order {
  const summary = order.pricingSummary;
  const currency = currencyAt(summary.total.currency, 'pricingSummary.total.currency');
  const money = (amount: EbayAmount | undefined, path: string): Money => {
    if (!amount) return { amountMinor: 0, currency };
    if (amount.currency !== currency) {
      throw new OrderMappingError(`${path}: ${amount.currency} differs from the order currency ${currency}`, [
        { path: `${path}.currency`, message: `${amount.currency} differs from ${currency}` },
      ]);
    }
    return moneyAt(amount.value, currency, `${path}.value`);
  };
  const marketplaces = new Set(order.lineItems.map((line) => line.listingMarketplaceId ?? 'EBAY_US'));
  const inclusive = [...marketplaces].some((marketplace) => TAX_INCLUSIVE_EBAY_MARKETPLACES.has(marketplace));

  const lines: OrderLine[] = order.lineItems.map((item, i) => {
    const path = `lineItems.${i}`;
    const quantity = quantityAt(item.quantity, `${path}.quantity`);
    const key = skuKey(item);
    return {
      lineId: `${i + 1}`,
      channelLineId: item.lineItemId,
      sku: lookupSku(key) ?? null,
      channelSku: key.channelSku || (key.variantId ? `variant:${key.variantId}` : ''),
      ...(item.title ? { title: item.title } : {}),
      quantity,
      unitPrice: unitPriceOf(money(item.lineItemCost, `${path}.lineItemCost`), quantity, `${path}.lineItemCost`),
      discount: sumMoney(
        currency,
        item.appliedPromotions.map((promotion, j) =>
          money(promotion.discountAmount, `${path}.appliedPromotions.${j}.discountAmount`),
        ),
      ),
      taxes: item.taxes.map((tax, j) => ({
        name: tax.taxType ?? 'Tax',
        amount: money(tax.amount, `${path}.taxes.${j}.amount`),
      })),
    };
  });
  const delivery = money(summary.deliveryCost, 'pricingSummary.deliveryCost');
  const deliveryDiscount = money(summary.deliveryDiscount, 'pricingSummary.deliveryDiscount');
  const shipTo = order.fulfillmentStartInstructions[0]?.shippingStep;
  const shipping: Shipping[] =
    delivery.amountMinor === 0 && deliveryDiscount.amountMinor === 0
      ? []
      : [
          {
            ...(shipTo?.shippingServiceCode ? { method: shipTo.shippingServiceCode } : {}),
            price: delivery,
            discount: { amountMinor: Math.abs(deliveryDiscount.amountMinor), currency },
            taxes: [],
          },
        ];

  const address = toAddress(shipTo?.shipTo);
  return completeOrder(
    {
      orderId: orderIdFor('ebay', order.orderId),
      channel: 'ebay',
      channelOrderId: order.orderId,
      ...(order.sellerId ? { channelAccount: order.sellerId } : {}),
      ...(order.salesRecordReference ? { channelOrderNumber: order.salesRecordReference } : {}),
      status: canonicalStatus(ebayStatus(order), lines),
      currency,
      placedAt: utc(order.creationDate),
      channelUpdatedAt: utc(order.lastModifiedDate),
      taxesIncluded: inclusive,
      ...(shipTo?.shipTo?.email || shipTo?.shipTo?.fullName
        ? {
            customer: {
              ...(shipTo.shipTo.email ? { email: shipTo.shipTo.email } : {}),
              ...(shipTo.shipTo.fullName ? { name: shipTo.shipTo.fullName } : {}),
            },
          }
        : {}),
      ...(address ? { shippingAddress: address } : {}),
      lines,
      shipping,
      fees: [],
    },
    money(summary.total, 'pricingSummary.total'),
    'pricingSummary.total',
  );
}

/**
 * eBay's cancel, fulfillment and payment states onto the canonical lifecycle: a completed
 * cancellation is cancelled, a full refund refunded, FULFILLED shipped and IN_PROGRESS (some line
 * items shipped) partially shipped; anything else is received.
 */
function ebayStatus(order: EbayOrder): OrderStatus {
  if (order.cancelStatus?.cancelState === 'CANCELED') return 'cancelled';
  if (order.orderPaymentStatus === 'FULLY_REFUNDED') return 'refunded';
  if (order.orderFulfillmentStatus === 'FULFILLED') return 'shipped';
  if (order.orderFulfillmentStatus === 'IN_PROGRESS') return 'partially_shipped';
  return 'received';
}

/**
 * Completed refunds, partial or full: the order-level ones in paymentSummary.refunds, and those issued
 * on a line in its lineItems[].refunds (eBay reports a line refund there only), each naming its line
 * with the amount and no units: eBay says neither how many units nor what of it was tax (the amount
 * is the seller's net, without the tax eBay collected), and moves no stock through a refund.
 */
export function ebayRefunds(order: EbayOrder): ChannelRefund[] {
  const completed = (refund: { refundStatus?: string }) => (refund.refundStatus ?? 'REFUNDED') === 'REFUNDED';
  const report = (
    refund: { refundId?: string; refundDate?: string },
    amount: Money,
    fallbackId: string,
    lines: ChannelRefund['lines'],
  ): ChannelRefund => ({
    channel: 'ebay',
    channelOrderId: order.orderId,
    orderId: orderIdFor('ebay', order.orderId),
    channelRefundId: refund.refundId ?? fallbackId,
    refundedAt: utc(refund.refundDate ?? order.lastModifiedDate),
    amount,
    lines,
  });
  const given = (value: string, currency: string, path: string): Money => {
    const amount = moneyAt(value, currency, path);
    return { amountMinor: Math.abs(amount.amountMinor), currency: amount.currency };
  };
  const orderLevel = (order.paymentSummary?.refunds ?? []).flatMap((refund, i) =>
    completed(refund)
      ? [
          report(
            refund,
            given(refund.amount.value, refund.amount.currency, `paymentSummary.refunds.${i}.amount.value`),
            `${order.orderId}-refund-${i + 1}`,
            [],
          ),
        ]
      : [],
  );
  const lineLevel = order.lineItems.flatMap((line, l) =>
    line.refunds.flatMap((refund, r) => {
      if (!completed(refund) || !refund.amount) return [];
      const amount = given(refund.amount.value, refund.amount.currency, `lineItems.${l}.refunds.${r}.amount.value`);
      return [
        report(refund, amount, `${order.orderId}-${line.lineItemId}-refund-${r + 1}`, [
          { channelLineId: line.lineItemId, quantity: 0, amount, restockType: 'no_restock' },
        ]),
      ];
    }),
  );
  return [...orderLevel, ...lineLevel];
}

type ShipTo = NonNullable<NonNullable<EbayOrder['fulfillmentStartInstructions'][number]['shippingStep']>['shipTo']>;

function toAddress(shipTo: ShipTo | undefined): Address | undefined {
  const address = shipTo?.contactAddress;
  if (!address?.addressLine1 || !address.city || !address.countryCode) return undefined;
  return {
    ...(shipTo?.fullName ? { name: shipTo.fullName } : {}),
    line1: address.addressLine1,
    ...(address.addressLine2 ? { line2: address.addressLine2 } : {}),
    city: address.city,
    ...(address.stateOrProvince ? { region: address.stateOrProvince } : {}),
    ...(address.postalCode ? { postalCode: address.postalCode } : {}),
    countryCode: address.countryCode.toUpperCase(),
    ...(shipTo?.primaryPhone?.phoneNumber ? { phone: shipTo.primaryPhone.phoneNumber } : {}),
  };
}
