import { IdempotencyAlreadyInProgressError, IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { JSONValue } from '@aws-lambda-powertools/commons/types';
import type { Context } from 'aws-lambda';
import { dynamoClient } from './aws-clients';
import { DeliveryInProgressError } from '../domain/webhook-delivery';
import type { AcceptedDelivery, DeliveryDeduplicator } from '../domain/webhook-delivery';

/**
 * Shopify retries a webhook for up to 48 hours and EventBridge retries a target for up to 24 hours:
 * a business key must be remembered longer than either, or a late retry would be processed again.
 */
export const IDEMPOTENCY_RETENTION_SECONDS = 72 * 3600;

/**
 * Runs a function at most once per business key using Powertools idempotency over DynamoDB. The key
 * is the business id (a channel delivery id, an order version), never a message id, because SQS,
 * EventBridge and S3 all redeliver under new message ids.
 */
export class IdempotentExecutor {
  private readonly persistenceStore: DynamoDBPersistenceLayer;
  private lambdaContext: Context | undefined;

  constructor(tableName: string, private readonly scope: string) {
    this.persistenceStore = new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: dynamoClient() });
  }

  /**
   * Call at the start of every invocation: an in-progress record then expires when the invocation's
   * time runs out, so a run killed by its timeout does not block the retry for the whole retention.
   */
  registerLambdaContext(context: Context): void {
    this.lambdaContext = context;
  }

  /** Returns the function's result, or the stored result of its first run with `replayed: true`. */
  async run<T extends JSONValue>(businessKey: string, work: () => Promise<T>): Promise<{ result: T; replayed: boolean }> {
    let replayed = false;
    const config = new IdempotencyConfig({
      eventKeyJmesPath: 'businessKey',
      expiresAfterSeconds: IDEMPOTENCY_RETENTION_SECONDS,
      responseHook: (response) => {
        replayed = true;
        return response;
      },
    });
    if (this.lambdaContext) config.registerLambdaContext(this.lambdaContext);
    const once = makeIdempotent(async (_input: { businessKey: string }) => work(), {
      persistenceStore: this.persistenceStore,
      config,
      keyPrefix: this.scope,
    });
    const result = (await once({ businessKey })) as T;
    return { result, replayed };
  }
}

/** Webhook deliveries, deduplicated on the channel's delivery id. */
export class PowertoolsDeliveryDeduplicator implements DeliveryDeduplicator {
  readonly executor: IdempotentExecutor;

  constructor(tableName: string) {
    this.executor = new IdempotentExecutor(tableName, 'webhook-delivery');
  }

  async once(deliveryKey: string, accept: () => Promise<AcceptedDelivery>): Promise<AcceptedDelivery & { duplicate: boolean }> {
    try {
      const { result, replayed } = await this.executor.run(deliveryKey, async () => ({ ...(await accept()) }));
      return { ...result, duplicate: replayed };
    } catch (error) {
      if (error instanceof IdempotencyAlreadyInProgressError) throw new DeliveryInProgressError(deliveryKey);
      throw error;
    }
  }
}
