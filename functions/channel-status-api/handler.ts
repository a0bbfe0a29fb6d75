import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import * as z from '#domain/kernel/schema';
import { readConfig, requiredName } from '#shared/config/env';
import { tableEnvVar } from '#shared/config/topology';
import { SalesChannel } from '#domain/kernel/order';
import { formatIssues } from '#domain/kernel/validation';
import {
  STALLED_AFTER_MS,
  channelLag,
  channelReadPorts,
  channelStatus,
  channelStatuses,
  worstFirst,
} from '#shared/operations/channels';
import { withObservability } from '#shared/adapters/lambda-middleware';
import { jsonAnswer } from '#shared/api/http-answer';

const config = readConfig({
  [tableEnvVar('channelPublications')]: requiredName,
  [tableEnvVar('connectorState')]: requiredName,
});
const ports = channelReadPorts({
  channelPublications: config[tableEnvVar('channelPublications')],
  connectorState: config[tableEnvVar('connectorState')],
});

/** Subjects a lag answer lists at most: a channel lists a row per SKU and kind, thousands in a real catalog. */
const MAX_SUBJECTS = 1000;
const LagQuery = z.object({ limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(MAX_SUBJECTS)), 200) });

/**
 * GET /channels: `{ stalledAfterMs, channels: [{ channel, subjects, pending, maxLagMs, meanLagMs, rateBudget?, rateBudgets,
 * lastCatchUp?, failures }] }` (shared/operations/channels.ts).
 * GET /channels/{channel}/lag?limit=: `{ status, subjects: [...], more }`, the worst first: stalled,
 * then pending, then the slowest published. 400 for a channel the fabric does not know.
 */
async function answerChannels(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const named = event.pathParameters?.channel;
  if (named === undefined)
    return jsonAnswer(200, { stalledAfterMs: STALLED_AFTER_MS, channels: await channelStatuses(ports) });
  const channel = SalesChannel.safeParse(named);
  if (!channel.success)
    return jsonAnswer(400, {
      message: 'unknown channel',
      errors: [{ path: 'channel', message: `must be one of ${SalesChannel.options.join(', ')}` }],
    });
  const query = LagQuery.safeParse(event.queryStringParameters ?? {});
  if (!query.success) return jsonAnswer(400, { message: 'invalid query', errors: formatIssues(query.error) });
  const now = Date.now();
  const rows = await channelLag(ports, channel.data, now);
  return jsonAnswer(200, {
    status: await channelStatus(ports, channel.data, rows, now),
    subjects: worstFirst(rows).slice(0, query.data.limit),
    more: rows.length > query.data.limit,
  });
}

export const handler = withObservability(answerChannels);
