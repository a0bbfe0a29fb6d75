/**
 * A failure that goes away on its own: stock kept moving, another consumer holds the lease, the ERP
 * is throttling or down, an event arrived before the step it needs. A queue consumer lets the message
 * return to its queue and tries again after the visibility timeout; nobody needs to act unless it is
 * still failing on the queue's last receive (then it goes to the DLQ like any other). Logged at WARN
 * while a retry is left.
 *
 * @example
 * export class PostingInProgressError extends TransientError {
 *   override name = 'PostingInProgressError';
 * }
 * throw new PostingInProgressError(`sales_order ${orderId} is being posted by another consumer`);
 */
export class TransientError extends Error {
  override name = 'TransientError';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/**
 * A failure that retrying does not change: bad data, a document the ERP refused, a configuration that
 * names something that does not exist, a broken invariant. A person must look: a queue consumer logs
 * it at ERROR on the first receive, and the message ends in the DLQ or is held as an exception until
 * someone fixes its cause and redrives or replays it.
 *
 * @example
 * export class SettlementFormatError extends PermanentError {
 *   override name = 'SettlementFormatError';
 * }
 * try {
 *   parseMoney(cell);
 * } catch (error) {
 *   throw new SettlementFormatError(`amount is not money: ${cell}`, { cause: error });
 * }
 */
export class PermanentError extends Error {
  override name = 'PermanentError';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/**
 * A function's settings (its environment, a region's policy) are missing or invalid: nothing it does
 * can succeed until a person fixes them, so it fails at start rather than on every message.
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
