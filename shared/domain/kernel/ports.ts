/** The ports every capability shares: publishing events and running a piece of work once. */
import { PermanentError, TransientError } from './errors';
import type { FabricEvent } from './event';

export interface EventPublisher {
  /**
   * Publishes all or throws; a partial failure is a failure, so the channel retries the delivery.
   * Throws UnpublishableEventError for an event no retry can get onto the bus.
   */
  publish(events: readonly FabricEvent[]): Promise<void>;
}

/** An event the bus can never carry, however often it is retried (too large, with nowhere to put its payload). */
export class UnpublishableEventError extends PermanentError {
  override name = 'UnpublishableEventError';
}

/** The same delivery or piece of work is running elsewhere right now: the retry finds its result. */
export class DeliveryInProgressError extends TransientError {
  override name = 'DeliveryInProgressError';
}

/** Runs `work` at most once per key and replays its first result; see DeliveryDeduplicator. */
export type OnceRunner = <T extends { outcome: string; orderId: string }>(
  key: string,
  work: () => Promise<T>,
) => Promise<T & { duplicate: boolean }>;
