import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from '#domain/kernel/schema';
import { readConfig, requiredName } from '#shared/config/env';
import { acceptWebhookDelivery } from '#domain/intake/webhook-delivery';
import { SalesChannel } from '#domain/kernel/order';
import { webhookAdapters } from '#shared/channels/registry';
import { channelApisFromEnv } from '#shared/channels/channel-apis';
import { S3DeliveryArchive } from '#shared/adapters/raw-archive';
import { eventPublisherFromEnv } from '#shared/adapters/event-publisher';
import { webhookSecretsFromEnv } from '#shared/adapters/webhook-secrets';
import { DynamoSkuCrossReference } from '#shared/adapters/cross-reference';
import { PowertoolsDeliveryDeduplicator } from '#shared/adapters/idempotency';
import { withObservability } from '#shared/adapters/lambda-middleware';
import { logger, metrics } from '#shared/adapters/observability';
import { jsonAnswer, lowerCaseHeaders, rawBody } from '#shared/api/http-answer';

const config = readConfig({
  FABRIC_BUCKET_RAW_ARCHIVE: requiredName,
  FABRIC_TABLE_IDEMPOTENCY: requiredName,
  FABRIC_TABLE_CROSS_REFERENCE: requiredName,
  FABRIC_WEBHOOK_MAX_BODY_BYTES: z._default(z.coerce.number().check(z.int(), z.positive()), 1024 * 1024),
  /**
   * The public base URL channels deliver to (a custom domain, or the stage URL), for channels that sign
   * the URL with the body (Square). Unset, it is rebuilt from the request API Gateway received.
   */
  FABRIC_WEBHOOK_PUBLIC_BASE_URL: z.optional(z.url()),
});

// Orders arrive here in volume: their payloads are parsed by zod's generated parser.
z.compileOrderPayloads(z.compile);

const adapters = webhookAdapters(channelApisFromEnv());
const deduplicator = new PowertoolsDeliveryDeduplicator(config.FABRIC_TABLE_IDEMPOTENCY);
const ports = {
  deduplicator,
  archive: new S3DeliveryArchive(config.FABRIC_BUCKET_RAW_ARCHIVE),
  publisher: eventPublisherFromEnv(),
  secrets: webhookSecretsFromEnv(),
  skus: new DynamoSkuCrossReference(config.FABRIC_TABLE_CROSS_REFERENCE),
};

/**
 * POST /webhooks/{channel}: the channel is the last segment of the API Gateway resource. A GET there
 * is a channel's endpoint-ownership challenge (eBay), answered from the channel secret.
 */
async function receiveWebhook(event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> {
  const channel = SalesChannel.safeParse(event.resource.split('/').pop());
  const adapter = channel.success ? adapters[channel.data] : undefined;
  if (!channel.success || !adapter) return jsonAnswer(404, { message: `no webhook channel at ${event.resource}` });
  if (event.httpMethod === 'GET') {
    const secret = await ports.secrets.secretFor(channel.data);
    const challenge = secret
      ? adapter.challenge?.((event.queryStringParameters as Record<string, string>) ?? {}, secret, publicUrl(event).url)
      : undefined;
    logger.info('webhook challenge', { channel: channel.data, answered: Boolean(challenge) });
    return challenge
      ? jsonAnswer(challenge.status, challenge.body)
      : jsonAnswer(400, { message: 'not a challenge this channel answers' });
  }
  deduplicator.executor.registerLambdaContext(context);

  const answer = await acceptWebhookDelivery(
    {
      channel: channel.data,
      requestId: event.requestContext?.requestId ?? context.awsRequestId,
      receivedAt: new Date().toISOString(),
      headers: lowerCaseHeaders(event),
      rawBody: rawBody(event),
      ...publicUrl(event),
    },
    adapter,
    ports,
    { maxBodyBytes: config.FABRIC_WEBHOOK_MAX_BODY_BYTES },
  );

  metrics.addDimensions({ channel: channel.data, status: String(answer.status) });
  metrics.addMetric('WebhookDeliveries', MetricUnit.Count, 1);
  logger.info('webhook answered', { channel: channel.data, status: answer.status, answer: answer.body });
  return jsonAnswer(answer.status, answer.body);
}

/** The URL the channel posted to, as configured at the channel: base URL + resource, or host + stage path. */
function publicUrl(event: APIGatewayProxyEvent): { url?: string } {
  if (config.FABRIC_WEBHOOK_PUBLIC_BASE_URL)
    return { url: `${config.FABRIC_WEBHOOK_PUBLIC_BASE_URL.replace(/\/$/, '')}${event.resource}` };
  const { domainName, path } = event.requestContext ?? {};
  return domainName && path ? { url: `https://${domainName}${path}` } : {};
}

export const handler = withObservability(receiveWebhook);
