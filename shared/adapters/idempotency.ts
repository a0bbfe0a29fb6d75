import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyItemNotFoundError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { JSONValue } from '@aws-lambda-powertools/commons/types';
import type { Context } from 'aws-lambda';
import { dynamoClient } from './aws-clients';
import { DeliveryInProgressError } from '#domain/kernel/ports';
import type { AcceptedDelivery, DeliveryDeduplicator } from '#domain/intake/webhook-delivery';
import type { OnceRunner } from '#domain/kernel/ports';

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

  constructor(
    tableName: string,
    private readonly scope: string,
  ) {
    this.persistenceStore = new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: dynamoClient() });
  }

  /**
   * Call at the start of every invocation: an in-progress record then expires when the invocation's
   * time runs out, so a run killed by its timeout does not block the retry for the whole retention.
   */
  registerLambdaContext(context: Context): void {
    this.lambdaContext = context;
  }

  /** Whether work under this business key completed, is under way, or was never (or no longer) recorded. */
  async statusOf(businessKey: string): Promise<'COMPLETED' | 'INPROGRESS' | 'EXPIRED' | 'NOT_FOUND'> {
    this.persistenceStore.configure({
      config: new IdempotencyConfig({ eventKeyJmesPath: 'businessKey' }),
      keyPrefix: this.scope,
    });
    try {
      return (await this.persistenceStore.getRecord({ businessKey })).getStatus() as
        | 'COMPLETED'
        | 'INPROGRESS'
        | 'EXPIRED';
    } catch (error) {
      if (error instanceof IdempotencyItemNotFoundError) return 'NOT_FOUND';
      throw error;
    }
  }

  /** Returns the function's result, or the stored result of its first run with `replayed: true`. */
  async run<T extends JSONValue>(
    businessKey: string,
    work: () => Promise<T>,
  ): Promise<{ result: T; replayed: boolean }> {
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

  constructor(tableName: string, scope = 'webhook-delivery') {
    this.executor = new IdempotentExecutor(tableName, scope);
  }

  async once(
    deliveryKey: string,
    accept: () => Promise<AcceptedDelivery>,
  ): Promise<AcceptedDelivery & { duplicate: boolean }> {
    try {
      const { result, replayed } = await this.executor.run(deliveryKey, async () => ({ ...(await accept()) }));
      return { ...result, duplicate: replayed };
    } catch (error) {
      if (error instanceof IdempotencyAlreadyInProgressError)
        throw new DeliveryInProgressError(deliveryKey, { cause: error });
      throw error;
    }
  }
}

/**
 * `once(key, work)` over an executor: the first run's result, or its stored result with
 * `duplicate: true`; a run still in progress elsewhere throws DeliveryInProgressError, which a queue
 * consumer lets fail so the message comes back after its visibility timeout.
 */
export function onceRunner(executor: IdempotentExecutor): OnceRunner {
  return async (key, work) => {
    try {
      const { result, replayed } = await executor.run(key, async () => (await work()) as unknown as JSONValue);
      return { ...(result as unknown as Awaited<ReturnType<typeof work>>), duplicate: replayed };
    } catch (error) {
      if (error instanceof IdempotencyAlreadyInProgressError) throw new DeliveryInProgressError(key, { cause: error });
      throw error;
    }
  };
}
