import * as z from 'zod';

/*
 * The part of Square's Order object (Orders API RetrieveOrder, `{ order }`) that the fabric reads.
 * Money is integer minor units with a currency ({ amount: 1999, currency: 'USD' }); quantities are
 * decimal strings ("2", or "1.5" for items sold by weight); taxes are ADDITIVE or INCLUSIVE. A refund
 * of line items (Square's itemized return, at the till or in the Dashboard) is an order of its own whose
 * `returns` name the source order and the returned lines, with `refunds` paying the money back; an
 * exchange carries both `returns` and new `line_items`.
 */
const SquareMoney = z.object({ amount: z.number().int(), currency: z.string().regex(/^[A-Z]{3}$/) });
export type SquareMoney = z.infer<typeof SquareMoney>;
const AppliedTax = z.object({ uid: z.string().optional(), tax_uid: z.string(), applied_money: SquareMoney });
const OrderTax = z.object({
  uid: z.string(),
  name: z.string().optional(),
  percentage: z.string().optional(),
  type: z.enum(['ADDITIVE', 'INCLUSIVE', 'UNKNOWN_TAX']).default('ADDITIVE'),
});

/** A returned line: a sold line's fields, with gross_return_money in place of gross_sales_money. */
const ReturnLineItem = z.object({
  uid: z.string().min(1).optional(),
  source_line_item_uid: z.string().optional(),
  name: z.string().optional(),
  variation_name: z.string().optional(),
  catalog_object_id: z.string().optional(),
  quantity: z.string(),
  base_price_money: SquareMoney,
  gross_return_money: SquareMoney,
  total_tax_money: SquareMoney,
  total_discount_money: SquareMoney,
  total_money: SquareMoney,
  applied_taxes: z.array(AppliedTax).default([]),
});

const Address = z.object({
  address_line_1: z.string().optional(),
  address_line_2: z.string().optional(),
  locality: z.string().optional(),
  administrative_district_level_1: z.string().optional(),
  postal_code: z.string().optional(),
  country: z.string().optional(),
});

export const SquareOrder = z
  .object({
    id: z.string().min(1),
    location_id: z.string().min(1),
    reference_id: z.string().optional(),
    source: z.object({ name: z.string().optional() }).optional(),
    state: z.enum(['OPEN', 'COMPLETED', 'CANCELED', 'DRAFT']),
    version: z.number().int().optional(),
    created_at: z.iso.datetime({ offset: true }),
    updated_at: z.iso.datetime({ offset: true }),
    line_items: z
      .array(
        z.object({
          uid: z.string().min(1),
          name: z.string().optional(),
          variation_name: z.string().optional(),
          catalog_object_id: z.string().optional(),
          quantity: z.string(),
          base_price_money: SquareMoney,
          /** (base price + modifiers) x quantity: the extended line amount before discounts. */
          gross_sales_money: SquareMoney,
          total_tax_money: SquareMoney,
          total_discount_money: SquareMoney,
          total_money: SquareMoney,
          applied_taxes: z.array(AppliedTax).default([]),
        }),
      )
      .default([]),
    taxes: z.array(OrderTax).default([]),
    service_charges: z
      .array(
        z.object({
          uid: z.string().optional(),
          name: z.string().optional(),
          amount_money: SquareMoney.optional(),
          applied_money: SquareMoney.optional(),
          total_money: SquareMoney,
          total_tax_money: SquareMoney,
          applied_taxes: z.array(AppliedTax).default([]),
        }),
      )
      .default([]),
    fulfillments: z
      .array(
        z.object({
          uid: z.string().optional(),
          type: z.string(),
          state: z.enum(['PROPOSED', 'RESERVED', 'PREPARED', 'COMPLETED', 'CANCELED', 'FAILED']),
          shipment_details: z
            .object({
              recipient: z
                .object({
                  display_name: z.string().optional(),
                  email_address: z.string().optional(),
                  phone_number: z.string().optional(),
                  address: Address.optional(),
                })
                .optional(),
            })
            .optional(),
          /** A PICKUP fulfillment's: who collects and when; the store is the order's location_id. */
          pickup_details: z
            .object({
              recipient: z
                .object({
                  display_name: z.string().optional(),
                  email_address: z.string().optional(),
                  phone_number: z.string().optional(),
                })
                .optional(),
              pickup_at: z.iso.datetime({ offset: true }).optional(),
              note: z.string().optional(),
            })
            .optional(),
        }),
      )
      .default([]),
    /** What the buyer paid with: CARD, CASH, SQUARE_GIFT_CARD, WALLET, OTHER... (amount_money excludes tips and change). */
    tenders: z
      .array(z.object({ id: z.string().optional(), type: z.string().min(1), amount_money: SquareMoney }))
      .default([]),
    returns: z
      .array(
        z.object({
          uid: z.string().optional(),
          source_order_id: z.string().optional(),
          return_line_items: z.array(ReturnLineItem).default([]),
          return_service_charges: z.array(z.object({ uid: z.string().optional() })).default([]),
          return_taxes: z.array(OrderTax).default([]),
        }),
      )
      .default([]),
    return_amounts: z.object({ total_money: SquareMoney, tax_money: SquareMoney.optional() }).optional(),
    refunds: z
      .array(
        z.object({
          id: z.string(),
          tender_id: z.string().optional(),
          reason: z.string().optional(),
          amount_money: SquareMoney,
          status: z.enum(['PENDING', 'APPROVED', 'REJECTED', 'FAILED']),
          created_at: z.iso.datetime({ offset: true }).optional(),
        }),
      )
      .default([]),
    total_money: SquareMoney,
    total_tax_money: SquareMoney.optional(),
    total_discount_money: SquareMoney.optional(),
    total_tip_money: SquareMoney.optional(),
    closed_at: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((order) => order.line_items.length > 0 || order.returns.length > 0, {
    path: ['line_items'],
    message: 'an order sells (line_items) or takes back (returns) at least one line',
  });
export type SquareOrder = z.infer<typeof SquareOrder>;

export const SquareRetrieveOrderResponse = z.object({ order: SquareOrder });

/*
 * Square's order.created / order.updated / order.fulfillment.updated event notification: thin, it names
 * the order (data.id) and its new version and state, never its lines or money.
 */
export const SquareOrderEvent = z.object({
  merchant_id: z.string().min(1),
  type: z.string().min(1),
  event_id: z.string().min(1),
  created_at: z.iso.datetime({ offset: true }),
  data: z.object({
    type: z.string(),
    id: z.string().min(1),
    object: z
      .record(
        z.string(),
        z.object({
          location_id: z.string().optional(),
          order_id: z.string().optional(),
          state: z.string().optional(),
          version: z.number().optional(),
        }),
      )
      .optional(),
  }),
});
