import * as z from '#domain/kernel/schema';
import { LifecycleState } from './lifecycle';
import type { OrderSlas } from './sla';
import { readPolicy } from '#shared/config/env';

/**
 * How long an order may stay in each state before someone should look, in minutes. States left out
 * are where orders rest (shipped, cancelled, returned, refunded). Override per deployment with
 * FABRIC_ORDER_SLAS, e.g. `{"posted_to_erp": 1440}` for a next-day dispatch promise.
 */
const DEFAULT_SLAS: OrderSlas = {
  received: 30, // the reservation consumer decides within seconds; half an hour means it is stuck
  reserved: 60, // posting to the ERP, breaker cool-downs included
  backordered: 7 * 24 * 60,
  posted_to_erp: 2 * 24 * 60, // the usual two-day dispatch promise
  partially_shipped: 3 * 24 * 60,
};

const OrderSlasSchema = z.partialRecord(LifecycleState, z.number().check(z.int(), z.positive()));

export function loadOrderSlas(env: NodeJS.ProcessEnv = process.env): OrderSlas {
  return readPolicy(OrderSlasSchema, DEFAULT_SLAS, 'FABRIC_ORDER_SLAS', env);
}
