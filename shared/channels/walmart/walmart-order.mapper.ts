import { type ChannelOrderMapper, OrderMappingError } from '#domain/intake/channel-ports';
import type { SkuLookup } from '#domain/kernel/sku-cross-reference';
import { canonicalStatus, completeOrder, currencyAt, moneyAt, quantityAt, unitPriceOf } from '../order-mapping';
import {
  type Address,
  type Order,
  type OrderLine,
  type OrderStatus,
  type Shipping,
  type TaxLine,
  computeOrderTotals,
  orderIdFor,
} from '#domain/kernel/order';
import { type Money, sumMoney } from '#domain/kernel/money';
import type { ChannelRefund } from '#domain/returns/refund-report';
import type { WalmartCharge, WalmartMoney, WalmartOrder, WalmartOrderLine } from './walmart-order.schema';

/** The Walmart purchase order to canonical order mapping; see mapWalmartOrder for the money rules. */
export const walmartOrderMapper: ChannelOrderMapper<WalmartOrder> = {
  channel: 'walmart',
  channelOrderId: (order) => order.purchaseOrderId,
  skuKeys: (order) => order.orderLines.orderLine.map((line) => ({ channelSku: line.item.sku.trim() })),
  toCanonicalOrder: (order, lookupSku) => mapWalmartOrder(order, lookupSku),
  refunds: (order) => walmartRefunds(order),
};

/** Walmart writes the country as ISO alpha-3 ("USA"); the canonical address wants alpha-2. */
const ALPHA2: Record<string, string> = { USA: 'US', CAN: 'CA', MEX: 'MX' };

/** A set of charges summed in minor units: positive amounts are price, negative ones discounts. */
interface ChargeSums {
  price: number;
  discount: number;
  tax: number;
  taxName?: string;
}

/**
 * Maps a Walmart Marketplace (US) purchase order to the canonical order. The rules:
 * - a line's PRODUCT charges are EXTENDED: since Multi-Line Multi-Quantity one order line carries
 *   all its units (orderLineQuantity "3" replaces three lines of "1"), and its ItemPrice charge and
 *   that charge's tax are the line's. The unit price is ItemPrice / quantity and must divide exactly;
 *   Walmart's pages never say "per unit" or "per line" outright, so the order-total check below is
 *   what catches a wrong reading instead of a silently mispriced order;
 * - a negative PRODUCT charge (SubscriptionDiscount) is the line's discount, and its negative tax
 *   reduces the line's tax; SHIPPING charges of every line make the order's one shipping line, with
 *   their tax; any other charge type is refused rather than dropped;
 * - amounts are JSON numbers in the order's currency, parsed as decimals, never more decimals than
 *   the currency has; quantities are strings of whole units; prices are tax-exclusive (US);
 * - the result must reproduce orderSummary.totalAmount to the minor unit when Walmart gives it;
 * - the version is the latest of orderDate and the lines' statusDate, since every status change
 *   stamps its line and the order has no last-modified time of its own.
 */
export function mapWalmartOrder(order: WalmartOrder, lookupSku: SkuLookup): Order {
  const reported = order.orderSummary?.totalAmount;
  const currency = reported
    ? currencyAt(reported.currencyUnit, 'orderSummary.totalAmount.currencyUnit')
    : currencyAt(
        order.orderLines.orderLine[0].charges.charge[0].chargeAmount.currency,
        'orderLines.orderLine.0.charges.charge.0.chargeAmount.currency',
      );
  const minor = (amountMinor: number): Money => ({ amountMinor, currency });
  const minorUnits = (value: WalmartMoney, path: string): number => {
    if (value.currency !== currency) {
      throw new OrderMappingError(`${path}: ${value.currency} differs from the order currency ${currency}`, [
        { path: `${path}.currency`, message: `${value.currency} differs from ${currency}` },
      ]);
    }
    return moneyAt(value.amount, currency, `${path}.amount`).amountMinor;
  };
  const sum = (charges: readonly { charge: WalmartCharge; path: string }[], path: string): ChargeSums => {
    const sums: ChargeSums = { price: 0, discount: 0, tax: 0 };
    for (const { charge, path: chargePath } of charges) {
      const amount = minorUnits(charge.chargeAmount, `${chargePath}.chargeAmount`);
      if (amount >= 0) sums.price += amount;
      else sums.discount -= amount;
      if (charge.tax) {
        sums.tax += minorUnits(charge.tax.taxAmount, `${chargePath}.tax.taxAmount`);
        sums.taxName ??= charge.tax.taxName;
      }
    }
    // Walmart states discounts as negative charges, so a negative price shows as charges that net below zero.
    if (sums.discount > sums.price)
      throw new OrderMappingError(`${path}: the charges add up to less than zero`, [
        { path, message: 'price adds up to less than zero' },
      ]);
    if (sums.tax < 0)
      throw new OrderMappingError(`${path}: the charges' taxes add up to less than zero`, [
        { path, message: 'tax adds up to less than zero' },
      ]);
    return sums;
  };
  const taxes = (sums: ChargeSums): TaxLine[] =>
    sums.tax === 0 ? [] : [{ name: sums.taxName ?? 'Tax', amount: minor(sums.tax) }];

  const charges = order.orderLines.orderLine.map((line, i) =>
    line.charges.charge.map((charge, c) => {
      const path = `orderLines.orderLine.${i}.charges.charge.${c}`;
      if (charge.chargeType !== 'PRODUCT' && charge.chargeType !== 'SHIPPING') {
        throw new OrderMappingError(`${path}.chargeType: ${charge.chargeType} has no place in the canonical order`, [
          { path: `${path}.chargeType`, message: `${charge.chargeType} is not PRODUCT or SHIPPING` },
        ]);
      }
      return { charge, path };
    }),
  );
  const products = order.orderLines.orderLine.map((_, i) =>
    sum(
      charges[i].filter(({ charge }) => charge.chargeType === 'PRODUCT'),
      `orderLines.orderLine.${i}.charges`,
    ),
  );

  const lines: OrderLine[] = order.orderLines.orderLine.map((line, i) => {
    const path = `orderLines.orderLine.${i}`;
    const quantity = quantityAt(line.orderLineQuantity.amount, `${path}.orderLineQuantity.amount`);
    return {
      lineId: `${i + 1}`,
      channelLineId: line.lineNumber,
      sku: lookupSku({ channelSku: line.item.sku.trim() }) ?? null,
      channelSku: line.item.sku.trim(),
      ...(line.item.productName ? { title: line.item.productName } : {}),
      quantity,
      unitPrice: unitPriceOf(minor(products[i].price), quantity, `${path}.charges.PRODUCT`),
      discount: minor(products[i].discount),
      taxes: taxes(products[i]),
    };
  });
  const shippingCharges = charges.flat().filter(({ charge }) => charge.chargeType === 'SHIPPING');
  const shippingSums = sum(shippingCharges, 'orderLines.orderLine.charges.SHIPPING');
  const shipping: Shipping[] =
    shippingCharges.length === 0
      ? []
      : [
          {
            ...(order.shippingInfo?.methodCode ? { method: order.shippingInfo.methodCode } : {}),
            price: minor(shippingSums.price),
            discount: minor(shippingSums.discount),
            taxes: taxes(shippingSums),
          },
        ];

  const address = toAddress(order.shippingInfo);
  const draft = {
    orderId: orderIdFor('walmart', order.purchaseOrderId),
    channel: 'walmart' as const,
    channelOrderId: order.purchaseOrderId,
    ...(order.customerOrderId ? { channelOrderNumber: order.customerOrderId } : {}),
    status: canonicalStatus(walmartStatus(order, products), lines),
    currency,
    placedAt: order.orderDate,
    channelUpdatedAt: walmartOrderVersion(order),
    taxesIncluded: false,
    ...(order.customerEmailId || order.shippingInfo?.postalAddress?.name
      ? {
          customer: {
            ...(order.customerEmailId ? { email: order.customerEmailId } : {}),
            ...(order.shippingInfo?.postalAddress?.name ? { name: order.shippingInfo.postalAddress.name } : {}),
          },
        }
      : {}),
    ...(address ? { shippingAddress: address } : {}),
    lines,
    shipping,
    fees: [],
  };
  // Without Walmart's own total there is nothing independent to check against: the canonical order
  // still proves its own balance when parsed.
  const total = reported
    ? moneyAt(reported.currencyAmount, reported.currencyUnit, 'orderSummary.totalAmount.currencyAmount')
    : computeOrderTotals(draft).total;
  return completeOrder(draft, total, 'orderSummary.totalAmount');
}

/**
 * The purchase order's version: the latest of its order date and its lines' status dates, since
 * every status change stamps its line and the order has no last-modified time of its own.
 */
export function walmartOrderVersion(order: WalmartOrder): string {
  return order.orderLines.orderLine.reduce(
    (latest, line) => (line.statusDate && line.statusDate > latest ? line.statusDate : latest),
    order.orderDate,
  );
}

/**
 * The lines' statuses (each with the units in it) onto the canonical lifecycle: every unit Cancelled
 * is cancelled; every live line's price refunded is refunded; every live unit Shipped or Delivered
 * (or refunded after shipping) is shipped, some of them partially shipped; anything else (Created,
 * Acknowledged) is received. A partial refund leaves the status alone and is reported as a refund.
 */
function walmartStatus(order: WalmartOrder, products: readonly ChargeSums[]): OrderStatus {
  const units = order.orderLines.orderLine.flatMap((line, i) =>
    line.orderLineStatuses.orderLineStatus.map((entry, s) => ({
      status: entry.status,
      quantity: quantityAt(
        entry.statusQuantity.amount,
        `orderLines.orderLine.${i}.orderLineStatuses.orderLineStatus.${s}.statusQuantity.amount`,
      ),
    })),
  );
  const count = (statuses: readonly string[]) =>
    units.filter((unit) => statuses.includes(unit.status)).reduce((total, unit) => total + unit.quantity, 0);
  const live = units.reduce((total, unit) => total + unit.quantity, 0) - count(['Cancelled']);
  if (live === 0) return 'cancelled';
  const liveLines = order.orderLines.orderLine
    .map((line, index) => ({ line, index, price: products[index].price }))
    .filter(({ line }) => line.orderLineStatuses.orderLineStatus.some((entry) => entry.status !== 'Cancelled'));
  if (liveLines.every(({ line, index, price }) => line.refund && refundedProductMinor(line, index) >= price))
    return 'refunded';
  const shipped = count(['Shipped', 'Delivered', 'Refund']);
  if (shipped >= live) return 'shipped';
  return shipped > 0 ? 'partially_shipped' : 'received';
}

/** What a line's refund gave back on its PRODUCT charges, in positive minor units. */
function refundedProductMinor(line: WalmartOrderLine, index: number): number {
  return (line.refund?.refundCharges.refundCharge ?? []).reduce(
    (total, { charge }, r) =>
      charge.chargeType !== 'PRODUCT'
        ? total
        : total -
          moneyAt(
            charge.chargeAmount.amount,
            charge.chargeAmount.currency,
            `orderLines.orderLine.${index}.refund.refundCharges.refundCharge.${r}.charge.chargeAmount.amount`,
          ).amountMinor,
    0,
  );
}

/**
 * Each line's refund (partial or full) as one ChannelRefund: its PRODUCT charges as the line's goods
 * and tax, its SHIPPING charges as shipping and shipping tax, each of which Walmart states as a negative
 * amount, given back positive. A line with units Cancelled, or that never shipped (no unit Shipped,
 * Delivered or Refund), is a cancelled line: its refund cancels its Cancelled units (else the whole
 * line), releasing what they hold. A shipped line's refund covers its units in Refund and restocks nothing: Walmart reports
 * the goods coming back through its returns, not its refunds. Walmart repeats the refund in every
 * later answer for the order; consumers key on the refund id, so a repeat changes nothing.
 */
export function walmartRefunds(order: WalmartOrder): ChannelRefund[] {
  return order.orderLines.orderLine.flatMap((line, i) => {
    if (!line.refund) return [];
    const path = `orderLines.orderLine.${i}.refund.refundCharges.refundCharge`;
    const refundCharges = line.refund.refundCharges.refundCharge;
    if (refundCharges.length === 0) return [];
    const currency = refundCharges[0].charge.chargeAmount.currency;
    const given = (amounts: Money[]): Money => {
      try {
        const total = sumMoney(currency, amounts);
        return { amountMinor: Math.abs(total.amountMinor), currency };
      } catch (error) {
        throw new OrderMappingError(`${path}: ${(error as Error).message}`, [
          { path, message: (error as Error).message },
        ]);
      }
    };
    const figures = refundCharges.map(({ charge }, r) => ({
      shipping: charge.chargeType === 'SHIPPING',
      amount: moneyAt(
        charge.chargeAmount.amount,
        charge.chargeAmount.currency,
        `${path}.${r}.charge.chargeAmount.amount`,
      ),
      tax: charge.tax
        ? moneyAt(
            charge.tax.taxAmount.amount,
            charge.tax.taxAmount.currency,
            `${path}.${r}.charge.tax.taxAmount.amount`,
          )
        : { amountMinor: 0, currency },
    }));
    const product = figures.filter((figure) => !figure.shipping);
    const shipping = figures.filter((figure) => figure.shipping);
    const unitsIn = (...statuses: string[]) =>
      line.orderLineStatuses.orderLineStatus
        .filter((entry) => statuses.includes(entry.status))
        .reduce(
          (total, entry, s) =>
            total +
            quantityAt(
              entry.statusQuantity.amount,
              `orderLines.orderLine.${i}.orderLineStatuses.orderLineStatus.${s}.statusQuantity.amount`,
            ),
          0,
        );
    const cancelledUnits = unitsIn('Cancelled');
    const cancels = cancelledUnits > 0 || unitsIn('Shipped', 'Delivered', 'Refund') === 0;
    const quantity = cancels
      ? cancelledUnits ||
        quantityAt(line.orderLineQuantity.amount, `orderLines.orderLine.${i}.orderLineQuantity.amount`)
      : unitsIn('Refund');
    const reason = refundCharges.find((entry) => entry.refundReason)?.refundReason ?? line.refund.refundComments;
    return [
      {
        channel: 'walmart' as const,
        channelOrderId: order.purchaseOrderId,
        orderId: orderIdFor('walmart', order.purchaseOrderId),
        channelRefundId: line.refund.refundId ?? `${order.purchaseOrderId}-${line.lineNumber}-refund`,
        refundedAt: line.statusDate ?? order.orderDate,
        amount: given(figures.flatMap((figure) => [figure.amount, figure.tax])),
        lines: product.length
          ? [
              {
                channelLineId: line.lineNumber,
                quantity,
                goods: given(product.map((figure) => figure.amount)),
                tax: given(product.map((figure) => figure.tax)),
                restockType: cancels ? ('cancel' as const) : ('no_restock' as const),
              },
            ]
          : [],
        ...(shipping.length
          ? {
              shipping: {
                amount: given(shipping.map((figure) => figure.amount)),
                tax: given(shipping.map((figure) => figure.tax)),
              },
            }
          : {}),
        ...(reason ? { reason } : {}),
      },
    ];
  });
}

function toAddress(shippingInfo: WalmartOrder['shippingInfo']): Address | undefined {
  const address = shippingInfo?.postalAddress;
  const country = address?.country?.toUpperCase();
  const countryCode = country && (ALPHA2[country] ?? (/^[A-Z]{2}$/.test(country) ? country : undefined));
  if (!address?.address1 || !address.city || !countryCode) return undefined;
  return {
    ...(address.name ? { name: address.name } : {}),
    line1: address.address1,
    ...(address.address2 ? { line2: address.address2 } : {}),
    city: address.city,
    ...(address.state ? { region: address.state } : {}),
    ...(address.postalCode ? { postalCode: address.postalCode } : {}),
    countryCode,
    ...(shippingInfo?.phone ? { phone: shippingInfo.phone } : {}),
  };
}
