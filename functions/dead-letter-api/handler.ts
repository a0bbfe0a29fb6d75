import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import * as z from '#domain/kernel/schema';
import { SalesChannel } from '#domain/kernel/order';
import { formatIssues } from '#domain/kernel/validation';
import { queuesNamedWithPrefix } from '#shared/adapters/dead-letter-queues';
import { withObservability } from '#shared/adapters/lambda-middleware';
import { logger } from '#shared/adapters/observability';
import { auditedCaller } from '#shared/api/caller';
import { jsonAnswer, jsonBody } from '#shared/api/http-answer';
import { PathId, invalidPathId } from '#shared/api/path-id';
import { deadLetterSource } from '#shared/operations/dead-letter-sources';
import { booleanFlag, readConfig, requiredName } from '#shared/config/env';
import { MESSAGE_MOVE_TASKS_ENV, QUEUE_NAME_PREFIX_ENV, tableEnvVar } from '#shared/config/topology';
import {
  UnknownDeadLetterQueueError,
  deadLetterPorts,
  deadLetterQueueDepths,
  heldMessageView,
  peekDeadLetters,
  redriveDeadLetters,
} from '#shared/operations/dead-letters';

const tables = readConfig({
  [tableEnvVar('idempotency')]: requiredName,
  [tableEnvVar('orders')]: requiredName,
  [tableEnvVar('eventTrail')]: requiredName,
});
const queues = readConfig({ [QUEUE_NAME_PREFIX_ENV]: requiredName, [MESSAGE_MOVE_TASKS_ENV]: booleanFlag });
const ports = deadLetterPorts({
  locate: queuesNamedWithPrefix(queues[QUEUE_NAME_PREFIX_ENV]),
  idempotencyTable: tables[tableEnvVar('idempotency')],
  ordersTable: tables[tableEnvVar('orders')],
  eventTrailTable: tables[tableEnvVar('eventTrail')],
});

/** Held messages one request may examine: each costs a few reads, and the API answers within 29 s. */
const MAX_EXAMINED = 500;

const Filters = { channel: z.optional(SalesChannel), orderId: z.optional(PathId), sku: z.optional(PathId) };
const PeekQuery = z.object({
  ...Filters,
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(MAX_EXAMINED)), 100),
});
const RedriveRequest = z.strictObject({ dryRun: z.boolean(), ...Filters });

/**
 * GET /dead-letter-queues: every DLQ's depth and oldest age. GET /dead-letter-queues/{rule}/messages
 * ?channel=&orderId=&sku=&limit=: what the held messages are (they stay held). POST .../redrive
 * {"dryRun", "channel"?, "orderId"?, "sku"?}: what would move, or moves it and says who did; in AWS a
 * redrive of everything starts SQS's message move task. 400 naming the field, 404 for an unknown rule.
 */
async function answerDeadLetters(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const name = event.pathParameters?.rule;
  if (name === undefined) return jsonAnswer(200, { queues: await deadLetterQueueDepths(ports) });
  const validName = PathId.safeParse(name);
  if (!validName.success) return invalidPathId('rule', validName.error);
  const source = deadLetterSource(name);
  if (!source) return jsonAnswer(404, { message: `no dead-letter queue for the rule ${name}` });
  try {
    if (event.httpMethod === 'GET') {
      const query = PeekQuery.safeParse(event.queryStringParameters ?? {});
      if (!query.success) return jsonAnswer(400, { message: 'invalid query', errors: formatIssues(query.error) });
      const { limit, ...filters } = query.data;
      const peeked = await peekDeadLetters(source, ports, { filters, limit });
      return jsonAnswer(200, { rule: name, ...peeked, messages: peeked.messages.map(heldMessageView) });
    }
    const read = jsonBody(event);
    if ('refusal' in read) return read.refusal;
    const request = RedriveRequest.safeParse(read.body);
    if (!request.success)
      return jsonAnswer(400, { message: 'invalid redrive request', errors: formatIssues(request.error) });
    const { dryRun, ...filters } = request.data;
    const by = auditedCaller(event);
    const outcome = await redriveDeadLetters(source, ports, {
      dryRun,
      filters,
      moveTasks: queues[MESSAGE_MOVE_TASKS_ENV],
      limit: MAX_EXAMINED,
    });
    const messages = outcome.messages.map(heldMessageView);
    if (!dryRun)
      logger.info('dead-letter redrive', {
        by,
        rule: name,
        filters,
        moved: outcome.moved,
        kept: outcome.kept,
        messageIds: messages.map((m) => m.messageId),
        moveTask: outcome.moveTask?.handle,
      });
    return jsonAnswer(200, { rule: name, by, ...outcome, messages });
  } catch (error) {
    if (error instanceof UnknownDeadLetterQueueError) return jsonAnswer(404, { message: error.message });
    throw error;
  }
}

/** The parsed body; undefined when it is not JSON. */
export const handler = withObservability(answerDeadLetters);
