import type { SQSRecord } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { OrderReceived } from '#domain/intake/events';
import * as z from '#domain/kernel/schema';
import { readConfig, requiredName } from '#shared/config/env';
import { createEvent, parseEvent } from '#domain/kernel/event';
import { PricingException } from '#domain/pricing/events';
import { findPricingException } from '#domain/pricing/order-check';
import { PRICE_ORDER_CHECK_SCOPE } from '#domain/pricing/model';
import { orderVersionKey } from '#domain/orders/model';
import { DynamoPricingStore } from '#shared/adapters/pricing-store';
import { IdempotentExecutor } from '#shared/adapters/idempotency';
import { eventPublisherFromEnv } from '#shared/adapters/event-publisher';
import { queueConsumer } from '#shared/adapters/queue-consumer';
import { logger, metrics } from '#shared/adapters/observability';

const config = readConfig({
  FABRIC_TABLE_PRICING: requiredName,
  FABRIC_TABLE_IDEMPOTENCY: requiredName,
  /** A line may be this many minor units per unit below the effective price (channel rounding)... */
  FABRIC_PRICE_TOLERANCE_MINOR: z._default(z.coerce.number().check(z.int(), z.gte(0)), 1),
  /** ...or this many basis points of it, whichever is larger. */
  FABRIC_PRICE_TOLERANCE_BASIS_POINTS: z._default(z.coerce.number().check(z.int(), z.gte(0), z.lte(10_000)), 50),
});
const prices = new DynamoPricingStore(config.FABRIC_TABLE_PRICING);
const publisher = eventPublisherFromEnv();
const checks = new IdempotentExecutor(config.FABRIC_TABLE_IDEMPOTENCY, PRICE_ORDER_CHECK_SCOPE);
const tolerance = {
  minorUnits: config.FABRIC_PRICE_TOLERANCE_MINOR,
  basisPoints: config.FABRIC_PRICE_TOLERANCE_BASIS_POINTS,
};

/**
 * Checks one OrderReceived's line prices and raises PricingException for a leak, once per order
 * version. The check itself only reads, so a redelivery of an order charged right repeats nothing
 * anyone sees, and needs no record: only raising an exception goes through the idempotency record
 * (keyed on the order version), the one guard against raising it twice, as the work queue counts
 * each event it is given.
 */
async function checkOrderPrices(record: SQSRecord): Promise<void> {
  const event = parseEvent(record.body, OrderReceived);
  const { order } = event.data;
  logger.appendKeys({ correlationId: event.correlationId, orderId: order.orderId });
  const exception = await findPricingException(order, prices, tolerance);
  if (!exception) {
    logger.info('order prices checked', { underpricedLines: 0 });
    return;
  }
  const { replayed } = await checks.run(orderVersionKey(order), async () => {
    await publisher.publish([
      createEvent(PricingException, exception, { correlationId: order.orderId, causationId: event.id }),
    ]);
    return { lines: exception.lines.length };
  });
  if (!replayed) metrics.addMetric('PricingExceptions', MetricUnit.Count, 1);
  logger.info('order prices checked', { underpricedLines: exception.lines.length, replayed });
}

export const handler = queueConsumer(checkOrderPrices, {
  failureMetric: 'PriceCheckEventsFailed',
  beforeBatch: (context) => checks.registerLambdaContext(context),
});
