import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { createEvent } from '#domain/kernel/event';
import { ShipmentConfirmed } from '#domain/orders/events';
import { toWireEvent } from '#domain/kernel/event';
import { queueConsumer } from '#shared/adapters/queue-consumer';
import { logger, metrics } from '#shared/adapters/observability';
import { tableEnvVar } from '#shared/config/topology';
import { MAX_RECEIVE_COUNTS_ENV } from '#shared/config/env';
import { PermanentError, TransientError } from '#domain/kernel/errors';

// The trail's writes are checked against DynamoDB Local (test/integration/order-trace.test.ts); here they only need to land somewhere.
const dynamo = mockClient(DynamoDBDocumentClient);
dynamo.on(BatchWriteCommand).resolves({});
process.env[tableEnvVar('eventTrail')] = 'event-trail';

function record(messageId: string, body: string, receiveCount = 3): SQSRecord {
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body,
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:q',
    awsRegion: 'us-east-1',
    messageAttributes: {},
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: '0',
      SenderId: 'x',
      ApproximateFirstReceiveTimestamp: '0',
    },
  };
}

class StockKeptMoving extends TransientError {
  override name = 'StockKeptMoving';
}

class LineNotOnOrder extends PermanentError {
  override name = 'LineNotOnOrder';
}

/** A consumer of queue `q`, whose maxReceiveCount the environment gives as `maxReceiveCount` (absent: not given). */
function consumerOfQueueQ(maxReceiveCount: number | undefined, fail: (r: SQSRecord) => Error) {
  if (maxReceiveCount === undefined) delete process.env[MAX_RECEIVE_COUNTS_ENV];
  else process.env[MAX_RECEIVE_COUNTS_ENV] = JSON.stringify({ q: maxReceiveCount, 'other-queue': 1 });
  try {
    return queueConsumer(
      async (r) => {
        throw fail(r);
      },
      { failureMetric: 'ProbeFailed' },
    );
  } finally {
    delete process.env[MAX_RECEIVE_COUNTS_ENV];
  }
}

const context = {
  functionName: 'probe',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

describe('queueConsumer', () => {
  beforeAll(() => {
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  });

  afterEach(() => jest.restoreAllMocks());

  test('reports only the failed record back to the queue and logs why it failed', async () => {
    const warnings = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const handler = queueConsumer(
      async (r) => {
        if (r.body === 'poison') throw new RangeError('quantity must be positive');
      },
      { failureMetric: 'ProbeFailed' },
    );
    const event: SQSEvent = { Records: [record('good-1', 'ok'), record('bad-1', 'poison'), record('good-2', 'ok')] };

    const response = await handler(event, context);

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'bad-1' }] });
    expect(warnings).toHaveBeenCalledWith(
      expect.stringContaining('record failed'),
      expect.objectContaining({
        messageId: 'bad-1',
        receiveCount: '3',
        error: 'RangeError: quantity must be positive',
      }),
    );
  });

  test('reports a batch that failed whole record by record, each with its reason, rather than throwing', async () => {
    const warnings = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const handler = queueConsumer(
      async () => {
        throw new Error('store unreachable');
      },
      { failureMetric: 'ProbeFailed' },
    );

    const response = await handler({ Records: [record('bad-1', 'x'), record('bad-2', 'y')] }, context);

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'bad-1' }, { itemIdentifier: 'bad-2' }] });
    expect(warnings).toHaveBeenCalledTimes(2);
  });

  test("keeps concurrent invocations' failures apart: one batch's failure is never lost to another batch", async () => {
    const warnings = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    let slowStarted!: () => void;
    const firstBatchHalfDone = new Promise<void>((resolve) => {
      slowStarted = resolve;
    });
    const handler = queueConsumer(
      async (r) => {
        if (r.body === 'refused') throw new Error('ERP circuit is open');
        if (r.body === 'slow') {
          slowStarted();
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      },
      { failureMetric: 'ProbeFailed' },
    );

    // The first batch's refusal is already counted when the second batch starts on the same module.
    const first = handler({ Records: [record('first-refused', 'refused'), record('first-slow', 'slow')] }, context);
    await firstBatchHalfDone;
    const second = await handler({ Records: [record('second-ok', 'ok')] }, context);

    expect(second).toEqual({ batchItemFailures: [] });
    expect(await first).toEqual({ batchItemFailures: [{ itemIdentifier: 'first-refused' }] });
    expect(warnings).toHaveBeenCalledTimes(1);
  });

  test('logs a failure the queue will retry at WARN, not at ERROR', async () => {
    const errors = jest.spyOn(logger, 'error');
    const warnings = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const handler = consumerOfQueueQ(5, () => new StockKeptMoving('stock of TEE kept moving'));

    const response = await handler({ Records: [record('m-1', 'x', 4)] }, context);

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
    expect(warnings).toHaveBeenCalledWith(
      expect.stringContaining('returns to the queue'),
      expect.objectContaining({
        messageId: 'm-1',
        receiveCount: '4',
        error: 'StockKeptMoving: stock of TEE kept moving',
      }),
    );
    expect(errors).not.toHaveBeenCalled();
  });

  test("logs a failure on the queue's last receive at ERROR: the message goes to the DLQ next", async () => {
    const errors = jest.spyOn(logger, 'error').mockImplementation(() => undefined);
    const warnings = jest.spyOn(logger, 'warn');
    const handler = consumerOfQueueQ(5, () => new StockKeptMoving('stock of TEE kept moving'));

    await handler({ Records: [record('m-1', 'x', 5)] }, context);

    expect(errors).toHaveBeenCalledWith(
      expect.stringContaining('last receive'),
      expect.objectContaining({
        messageId: 'm-1',
        receiveCount: '5',
        maxReceiveCount: 5,
        error: 'StockKeptMoving: stock of TEE kept moving',
      }),
    );
    expect(warnings).not.toHaveBeenCalled();
  });

  test('logs a PermanentError at ERROR on its first receive: retrying will not change it', async () => {
    const errors = jest.spyOn(logger, 'error').mockImplementation(() => undefined);
    const handler = consumerOfQueueQ(5, () => new LineNotOnOrder('line 3 is not on order ord_1'));

    const response = await handler({ Records: [record('m-1', 'x', 1)] }, context);

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
    expect(errors).toHaveBeenCalledWith(
      expect.stringContaining('retrying will not change'),
      expect.objectContaining({
        messageId: 'm-1',
        receiveCount: '1',
        error: 'LineNotOnOrder: line 3 is not on order ord_1',
      }),
    );
  });

  test("takes no receive for the last when its queue's maxReceiveCount is not given", async () => {
    const errors = jest.spyOn(logger, 'error');
    const warnings = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const handler = consumerOfQueueQ(undefined, () => new Error('store unreachable'));

    await handler({ Records: [record('m-1', 'x', 50)] }, context);

    expect(warnings).toHaveBeenCalledTimes(1);
    expect(errors).not.toHaveBeenCalled();
  });

  test('refuses to start on a malformed receive-limit map, naming the variable', () => {
    process.env[MAX_RECEIVE_COUNTS_ENV] = '{"q": "five"}';
    try {
      expect(() => queueConsumer(async () => undefined, { failureMetric: 'ProbeFailed' })).toThrow(
        MAX_RECEIVE_COUNTS_ENV,
      );
    } finally {
      delete process.env[MAX_RECEIVE_COUNTS_ENV];
    }
  });

  test('runs the per-invocation setup with the Lambda context before the batch', async () => {
    const seen: Context[] = [];
    const handler = queueConsumer(async () => undefined, {
      failureMetric: 'ProbeFailed',
      beforeBatch: (c) => seen.push(c),
    });

    await handler({ Records: [record('m-1', 'ok')] }, context);

    expect(seen).toEqual([context]);
  });

  test('records how long after its own time each event was processed, and nothing for bodies that are not events', async () => {
    const added = jest.spyOn(metrics, 'addMetric');
    const handler = queueConsumer(async () => undefined, { failureMetric: 'ProbeFailed' });
    const twoSecondsAgo = createEvent(
      ShipmentConfirmed,
      {
        shipment: {
          shipmentId: 'S-1',
          orderId: 'ord_1',
          locationId: 'wh-east',
          carrier: 'UPS',
          trackingNumber: '1Z',
          shippedAt: '2026-11-28T09:00:00Z',
          lines: [{ lineId: '1', sku: 'TEE', quantity: 1 }],
        },
      },
      { correlationId: 'ord_1', time: new Date(Date.now() - 2000) },
    );

    await handler(
      { Records: [record('m-1', JSON.stringify(toWireEvent(twoSecondsAgo))), record('m-2', 'not json')] },
      context,
    );

    const lags = added.mock.calls.filter(([name]) => name === 'EventLag').map(([, , value]) => value);
    expect(lags).toHaveLength(1);
    expect(lags[0]).toBeGreaterThanOrEqual(2000);
    added.mockRestore();
  });
});
