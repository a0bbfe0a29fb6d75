import * as z from '#domain/kernel/schema';
import { once } from '#domain/kernel/once';

/**
 * Square's schemas, built on the first parse of any of them rather than when the module loads:
 * the functions that import every channel (the webhook, order fetch and catch-up, the ops APIs that
 * reprocess an order) would otherwise build all six channels' schemas at each cold start (issue 27).
 */
const schemas = once(() => {
  /*
   * The part of Square's Order object (Orders API RetrieveOrder, `{ order }`) that the fabric reads.
   * Money is integer minor units with a currency ({ amount: 1999, currency: 'USD' }); quantities are
   * decimal strings ("2", or "1.5" for items sold by weight); taxes are ADDITIVE or INCLUSIVE. A refund
   * of line items (Square's itemized return, at the till or in the Dashboard) is an order of its own whose
   * `returns` name the source order and the returned lines, with `refunds` paying the money back; an
   * exchange carries both `returns` and new `line_items`.
   */
  const SquareMoney = z.object({
    amount: z.number().check(z.int()),
    currency: z.string().check(z.regex(/^[A-Z]{3}$/)),
  });

  const AppliedTax = z.object({ uid: z.optional(z.string()), tax_uid: z.string(), applied_money: SquareMoney });

  const OrderTax = z.object({
    uid: z.string(),
    name: z.optional(z.string()),
    percentage: z.optional(z.string()),
    type: z._default(z.enum(['ADDITIVE', 'INCLUSIVE', 'UNKNOWN_TAX']), 'ADDITIVE'),
  });

  /** A returned line: a sold line's fields, with gross_return_money in place of gross_sales_money. */
  const ReturnLineItem = z.object({
    uid: z.optional(z.string().check(z.minLength(1))),
    source_line_item_uid: z.optional(z.string()),
    name: z.optional(z.string()),
    variation_name: z.optional(z.string()),
    catalog_object_id: z.optional(z.string()),
    quantity: z.string(),
    base_price_money: SquareMoney,
    gross_return_money: SquareMoney,
    total_tax_money: SquareMoney,
    total_discount_money: SquareMoney,
    total_money: SquareMoney,
    applied_taxes: z._default(z.array(AppliedTax), []),
  });

  const Address = z.object({
    address_line_1: z.optional(z.string()),
    address_line_2: z.optional(z.string()),
    locality: z.optional(z.string()),
    administrative_district_level_1: z.optional(z.string()),
    postal_code: z.optional(z.string()),
    country: z.optional(z.string()),
  });

  /** Who a fulfillment is for: a shipment's recipient adds the address. */
  const FulfillmentRecipient = z.object({
    display_name: z.optional(z.string()),
    email_address: z.optional(z.string()),
    phone_number: z.optional(z.string()),
  });

  const SquareOrder = z
    .object({
      id: z.string().check(z.minLength(1)),
      location_id: z.string().check(z.minLength(1)),
      reference_id: z.optional(z.string()),
      source: z.optional(z.object({ name: z.optional(z.string()) })),
      state: z.enum(['OPEN', 'COMPLETED', 'CANCELED', 'DRAFT']),
      version: z.optional(z.number().check(z.int())),
      created_at: z.iso.datetime({ offset: true }),
      updated_at: z.iso.datetime({ offset: true }),
      line_items: z._default(
        z.array(
          z.object({
            uid: z.string().check(z.minLength(1)),
            name: z.optional(z.string()),
            variation_name: z.optional(z.string()),
            catalog_object_id: z.optional(z.string()),
            quantity: z.string(),
            base_price_money: SquareMoney,
            /** (base price + modifiers) x quantity: the extended line amount before discounts. */
            gross_sales_money: SquareMoney,
            total_tax_money: SquareMoney,
            total_discount_money: SquareMoney,
            total_money: SquareMoney,
            applied_taxes: z._default(z.array(AppliedTax), []),
          }),
        ),
        [],
      ),
      taxes: z._default(z.array(OrderTax), []),
      service_charges: z._default(
        z.array(
          z.object({
            uid: z.optional(z.string()),
            name: z.optional(z.string()),
            amount_money: z.optional(SquareMoney),
            applied_money: z.optional(SquareMoney),
            total_money: SquareMoney,
            total_tax_money: SquareMoney,
            applied_taxes: z._default(z.array(AppliedTax), []),
          }),
        ),
        [],
      ),
      fulfillments: z._default(
        z.array(
          z.object({
            uid: z.optional(z.string()),
            type: z.string(),
            state: z.enum(['PROPOSED', 'RESERVED', 'PREPARED', 'COMPLETED', 'CANCELED', 'FAILED']),
            shipment_details: z.optional(
              z.object({
                recipient: z.optional(z.extend(FulfillmentRecipient, { address: z.optional(Address) })),
              }),
            ),
            /** A PICKUP fulfillment's: who collects and when; the store is the order's location_id. */
            pickup_details: z.optional(
              z.object({
                recipient: z.optional(FulfillmentRecipient),
                pickup_at: z.optional(z.iso.datetime({ offset: true })),
                note: z.optional(z.string()),
              }),
            ),
          }),
        ),
        [],
      ),
      /** What the buyer paid with: CARD, CASH, SQUARE_GIFT_CARD, WALLET, OTHER... (amount_money excludes tips and change). */
      tenders: z._default(
        z.array(
          z.object({ id: z.optional(z.string()), type: z.string().check(z.minLength(1)), amount_money: SquareMoney }),
        ),
        [],
      ),
      returns: z._default(
        z.array(
          z.object({
            uid: z.optional(z.string()),
            source_order_id: z.optional(z.string()),
            return_line_items: z._default(z.array(ReturnLineItem), []),
            return_service_charges: z._default(z.array(z.object({ uid: z.optional(z.string()) })), []),
            return_taxes: z._default(z.array(OrderTax), []),
          }),
        ),
        [],
      ),
      return_amounts: z.optional(z.object({ total_money: SquareMoney, tax_money: z.optional(SquareMoney) })),
      refunds: z._default(
        z.array(
          z.object({
            id: z.string(),
            tender_id: z.optional(z.string()),
            reason: z.optional(z.string()),
            amount_money: SquareMoney,
            status: z.enum(['PENDING', 'APPROVED', 'REJECTED', 'FAILED']),
            created_at: z.optional(z.iso.datetime({ offset: true })),
          }),
        ),
        [],
      ),
      total_money: SquareMoney,
      total_tax_money: z.optional(SquareMoney),
      total_discount_money: z.optional(SquareMoney),
      total_tip_money: z.optional(SquareMoney),
      closed_at: z.optional(z.iso.datetime({ offset: true })),
    })
    .check(
      z.refine((order) => order.line_items.length > 0 || order.returns.length > 0, {
        path: ['line_items'],
        message: 'an order sells (line_items) or takes back (returns) at least one line',
      }),
    );

  const SquareRetrieveOrderResponse = z.object({ order: SquareOrder });

  /*
   * Square's order.created / order.updated / order.fulfillment.updated event notification: thin, it names
   * the order (data.id) and its new version and state, never its lines or money.
   */
  const SquareOrderEvent = z.object({
    merchant_id: z.string().check(z.minLength(1)),
    type: z.string().check(z.minLength(1)),
    event_id: z.string().check(z.minLength(1)),
    created_at: z.iso.datetime({ offset: true }),
    data: z.object({
      type: z.string(),
      id: z.string().check(z.minLength(1)),
      object: z.optional(
        z.record(
          z.string(),
          z.object({
            location_id: z.optional(z.string()),
            order_id: z.optional(z.string()),
            state: z.optional(z.string()),
            version: z.optional(z.number()),
          }),
        ),
      ),
    }),
  });

  return { SquareMoney, SquareOrder, SquareRetrieveOrderResponse, SquareOrderEvent };
});
type Schemas = ReturnType<typeof schemas>;

export type SquareMoney = z.infer<Schemas['SquareMoney']>;

export const SquareOrder = /* @__PURE__ */ z.lazy(() => schemas().SquareOrder);
export type SquareOrder = z.infer<Schemas['SquareOrder']>;

export const SquareRetrieveOrderResponse = /* @__PURE__ */ z.lazy(() => schemas().SquareRetrieveOrderResponse);

export const SquareOrderEvent = /* @__PURE__ */ z.lazy(() => schemas().SquareOrderEvent);
