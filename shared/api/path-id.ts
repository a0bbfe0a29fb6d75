import * as z from '#domain/kernel/schema';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { formatIssues } from '#domain/kernel/validation';
import { jsonAnswer } from './http-answer';

/** The longest id a route takes from its path, in UTF-8 bytes: far above any channel's order id or SKU. */
export const MAX_PATH_ID_BYTES = 512;

/**
 * An id a route reads from its path (an order id, a channel's order id). Bounded because DynamoDB
 * refuses a key over 2,048 bytes with an error that would surface as a 500; an id this checks and
 * nothing stores is then simply not found (404).
 */
export const PathId = z.string().check(
  z.minLength(1, 'is empty'),
  z.refine((id) => Buffer.byteLength(id, 'utf8') <= MAX_PATH_ID_BYTES, `is longer than ${MAX_PATH_ID_BYTES} bytes`),
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point: an id must not carry one.
  z.refine((id) => !/[\u0000-\u001f\u007f]/.test(id), 'contains a control character'),
);

/** A path parameter that fails PathId, answered 400 naming the parameter. */
export function invalidPathId(name: string, error: z.core.$ZodError): APIGatewayProxyResult {
  return jsonAnswer(400, {
    message: `invalid ${name}`,
    errors: formatIssues(error).map((issue) => ({ ...issue, path: name })),
  });
}
