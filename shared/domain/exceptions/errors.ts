import { TransientError } from '#domain/kernel/errors';

/** No exception has this id. */
export class ExceptionNotFoundError extends Error {
  override name = 'ExceptionNotFoundError';
}

/** The fix does not apply to this exception (its kind offers no such fix, or it is no longer open). */
export class FixNotApplicableError extends Error {
  override name = 'FixNotApplicableError';
}

/** Someone else changed the exception between the read and the write; read again and retry. Transient. */
export class ExceptionChangedError extends TransientError {
  override name = 'ExceptionChangedError';
}
