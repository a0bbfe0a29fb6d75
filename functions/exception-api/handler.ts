import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import * as z from '#domain/kernel/schema';
import { readConfig, requiredName } from '#shared/config/env';
import { bucketEnvVar, tableEnvVar } from '#shared/config/topology';
import {
  EXCEPTION_KINDS,
  ExceptionChangedError,
  ExceptionNotFoundError,
  FixNotApplicableError,
  dismissException,
  retryException,
} from '#domain/exceptions';
import { SalesChannel } from '#domain/kernel/order';
import { formatIssues } from '#domain/kernel/validation';
import { exceptionFixPortsFromEnv } from '#shared/wiring/exception-fix-ports';
import { exceptionDetail, exceptionReadPorts, listExceptions } from '#shared/operations/exceptions';
import { withObservability } from '#shared/adapters/lambda-middleware';
import { jsonAnswer, jsonBody } from '#shared/api/http-answer';
import { PathId, invalidPathId } from '#shared/api/path-id';
import { auditedCaller } from '#shared/api/caller';

const config = readConfig({
  [tableEnvVar('exceptions')]: requiredName,
  [tableEnvVar('crossReference')]: requiredName,
  [tableEnvVar('orders')]: requiredName,
  [bucketEnvVar('rawArchive')]: requiredName,
});
const names = {
  exceptionsTable: config[tableEnvVar('exceptions')],
  crossReferenceTable: config[tableEnvVar('crossReference')],
  ordersTable: config[tableEnvVar('orders')],
  rawArchiveBucket: config[bucketEnvVar('rawArchive')],
};
const ports = exceptionFixPortsFromEnv(names);
const reads = exceptionReadPorts(names);

const ListQuery = z.object({
  kind: z.optional(z.enum(EXCEPTION_KINDS)),
  status: z.optional(z.enum(['open', 'resolved', 'dismissed'])),
  channel: z.optional(SalesChannel),
  olderThanMinutes: z.optional(z.coerce.number().check(z.int(), z.gte(0), z.lte(525_600))),
});
/** Who and why: the caller's IAM identity is who; the body says why. */
const FixRequest = z.object({ reason: z.string().check(z.trim(), z.minLength(1), z.maxLength(1000)) });

/**
 * GET /exceptions?kind=&status=&channel=&olderThanMinutes=: `{ exceptions: [summary...] }`, oldest first.
 * GET /exceptions/{exceptionId}: the exception with its payload excerpt, the order it holds back and the
 * channel SKUs it waits for (shared/operations/exceptions.ts). POST /exceptions/{exceptionId}/retry and
 * /dismiss with {"reason": "..."}: 200 with the exception after the fix. 400 naming the field, 404 for an
 * unknown id, 409 when the fix does not apply or a racing fix changed it first.
 */
async function answerExceptions(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const id = event.pathParameters?.exceptionId;
  if (!id) {
    const query = ListQuery.safeParse(event.queryStringParameters ?? {});
    if (!query.success) return jsonAnswer(400, { message: 'invalid query', errors: formatIssues(query.error) });
    return jsonAnswer(200, { exceptions: await listExceptions(reads.store, query.data) });
  }
  const validId = PathId.safeParse(id);
  if (!validId.success) return invalidPathId('exceptionId', validId.error);
  try {
    if (event.httpMethod === 'GET') {
      const detail = await exceptionDetail(reads, id);
      return detail ? jsonAnswer(200, detail) : jsonAnswer(404, { message: `no exception ${id}` });
    }
    const read = jsonBody(event);
    if ('refusal' in read) return read.refusal;
    const request = FixRequest.safeParse(read.body);
    if (!request.success)
      return jsonAnswer(400, { message: 'a fix needs a reason', errors: formatIssues(request.error) });
    const actor = { by: auditedCaller(event), why: request.data.reason };
    const record = event.path.endsWith('/dismiss')
      ? await dismissException(id, actor, ports)
      : await retryException(id, actor, ports);
    return jsonAnswer(200, record);
  } catch (error) {
    if (error instanceof ExceptionNotFoundError) return jsonAnswer(404, { message: error.message });
    if (error instanceof FixNotApplicableError || error instanceof ExceptionChangedError)
      return jsonAnswer(409, { message: error.message });
    throw error;
  }
}

export const handler = withObservability(answerExceptions);
