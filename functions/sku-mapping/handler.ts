import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import * as z from '#domain/kernel/schema';
import { readConfig, requiredName } from '#shared/config/env';
import { bucketEnvVar, tableEnvVar } from '#shared/config/topology';
import { ExceptionChangedError, FixNotApplicableError } from '#domain/exceptions';
import { SalesChannel } from '#domain/kernel/order';
import { formatIssues } from '#domain/kernel/validation';
import { exceptionFixPortsFromEnv } from '#shared/wiring/exception-fix-ports';
import { DynamoSkuCrossReference } from '#shared/adapters/cross-reference';
import { mapChannelSku } from '#shared/operations/exceptions';
import { withObservability } from '#shared/adapters/lambda-middleware';
import { jsonAnswer, jsonBody } from '#shared/api/http-answer';
import { PathId } from '#shared/api/path-id';
import { auditedCaller } from '#shared/api/caller';

const config = readConfig({
  [tableEnvVar('exceptions')]: requiredName,
  [tableEnvVar('crossReference')]: requiredName,
  [tableEnvVar('orders')]: requiredName,
  [bucketEnvVar('rawArchive')]: requiredName,
});
const ports = {
  skus: new DynamoSkuCrossReference(config[tableEnvVar('crossReference')]),
  fixes: exceptionFixPortsFromEnv({
    exceptionsTable: config[tableEnvVar('exceptions')],
    crossReferenceTable: config[tableEnvVar('crossReference')],
    ordersTable: config[tableEnvVar('orders')],
    rawArchiveBucket: config[bucketEnvVar('rawArchive')],
  }),
};

/** A channel SKU or internal SKU is a key in the cross-reference: bounded and printable, as a path id is. */
const Key = z.pipe(z.string().check(z.trim()), PathId);
const MappingRequest = z.object({
  channel: SalesChannel,
  channelSku: Key.check(z.refine((value) => value !== 'variant:', 'names no variant id')),
  sku: Key,
  reason: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(1000))),
});

/**
 * POST /sku-mappings {"channel", "channelSku" (CODE or variant:ID), "sku", "reason"?}: maps the channel
 * SKU, then reprocesses the held work that waited for it, audited as the caller; what `ops xref map-sku`
 * does. 200 `{ channel, channelSku, sku, reprocessed: [{ id, outcome }], left: [{ id }] }`; 400 naming the
 * field; 409 when a racing fix changed a waiting exception first (the mapping stands: send it again).
 */
async function answerSkuMapping(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const read = jsonBody(event);
  if ('refusal' in read) return read.refusal;
  const request = MappingRequest.safeParse(read.body);
  if (!request.success) return jsonAnswer(400, { message: 'invalid SKU mapping', errors: formatIssues(request.error) });
  const { reason, ...mapping } = request.data;
  const actor = {
    by: auditedCaller(event),
    why: reason ?? `${mapping.channel} ${mapping.channelSku} mapped to ${mapping.sku}`,
  };
  try {
    return jsonAnswer(200, await mapChannelSku(ports, mapping, actor));
  } catch (error) {
    if (error instanceof FixNotApplicableError || error instanceof ExceptionChangedError)
      return jsonAnswer(409, { message: error.message });
    throw error;
  }
}

export const handler = withObservability(answerSkuMapping);
