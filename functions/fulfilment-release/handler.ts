import type { SQSRecord } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { BackorderFilled, InventoryReserved, ReservationMoved, ReservationReleased } from '#domain/inventory/events';
import { UnknownEventError, detailTypeOf, parseEvent } from '#domain/kernel/event';
import { cancelRequests, releaseFulfilment, type Release } from '#domain/fulfilment';
import { fulfilmentPortsFromEnv } from '#shared/wiring/fulfilment-ports';
import { queueConsumer } from '#shared/adapters/queue-consumer';
import { logger, metrics } from '#shared/adapters/observability';

const { ports } = fulfilmentPortsFromEnv();

/**
 * What an order holds, released to its locations as fulfilment requests: a reservation (not while
 * it waits on a backorder), a backorder now filled, or the units a re-sourcing moved (a second attempt).
 */
function releaseOf(record: SQSRecord): Release | undefined {
  switch (detailTypeOf(record.body)) {
    case 'InventoryReserved': {
      const event = parseEvent(record.body, InventoryReserved);
      if (event.data.backordered) return undefined;
      const { orderId, allocations, sourcing } = event.data;
      return { orderId, allocations, sourcing, attempt: 1, causationId: event.id };
    }
    case 'BackorderFilled': {
      const event = parseEvent(record.body, BackorderFilled);
      const { orderId, allocations, sourcing } = event.data;
      return { orderId, allocations, sourcing, attempt: 1, causationId: event.id };
    }
    case 'ReservationMoved': {
      const event = parseEvent(record.body, ReservationMoved);
      return { orderId: event.data.orderId, allocations: event.data.allocations, attempt: 2, causationId: event.id };
    }
    default:
      throw new UnknownEventError(`fulfilment-release does not consume ${detailTypeOf(record.body)}`);
  }
}

/** One request per location an order holds units at, once; ShipBob orders created once per request. */
async function releaseRecord(record: SQSRecord): Promise<void> {
  if (detailTypeOf(record.body) === 'ReservationReleased') return cancelReleased(record);
  const release = releaseOf(record);
  if (!release) {
    logger.info('backordered reservation: released once the backorder is filled');
    return;
  }
  logger.appendKeys({ correlationId: release.orderId, orderId: release.orderId });
  const requests = await releaseFulfilment(release, ports);
  metrics.addMetric('FulfilmentRequests', MetricUnit.Count, requests.length);
  logger.info('order released to its locations', {
    requests: requests.map(({ requestId, route, status }) => ({ requestId, route, status })),
  });
}

/** A cancelled order, or one whose reservation or pickup expired, is picked nowhere: its open requests are cancelled. */
async function cancelReleased(record: SQSRecord): Promise<void> {
  const { data, correlationId } = parseEvent(record.body, ReservationReleased);
  logger.appendKeys({ correlationId, orderId: data.orderId });
  const cancelled = await cancelRequests(data.orderId, data.reason, ports);
  if (cancelled.length) logger.info('fulfilment requests cancelled', { requests: cancelled.map((r) => r.requestId) });
}

export const handler = queueConsumer(releaseRecord, { failureMetric: 'FulfilmentReleasesFailed' });
