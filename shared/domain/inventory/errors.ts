import { TransientError } from '#domain/kernel/errors';

/**
 * Stock kept moving while a movement was being applied (`adjustStock` answered `busy` after all its
 * attempts): other movements of the same SKU won every write. The message goes back to its queue and
 * is applied on a later receive, under the same adjustment id, so it still moves stock once.
 */
export class StockKeptMovingError extends TransientError {
  override name = 'StockKeptMovingError';
}
