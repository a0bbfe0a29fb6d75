import type { Context, SQSRecord } from 'aws-lambda';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { queueConsumer } from '#shared/adapters/queue-consumer';
import { logger } from '#shared/adapters/observability';
import { tableEnvVar } from '#shared/config/topology';

// The trail is not what this file tests; its writes only need to land somewhere.
mockClient(DynamoDBDocumentClient).on(BatchWriteCommand).resolves({});
process.env[tableEnvVar('eventTrail')] = 'event-trail';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';

function record(transactionId: string): SQSRecord {
  return {
    messageId: `msg-${transactionId}`,
    receiptHandle: 'rh',
    body: transactionId,
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:pos-stock-movements',
    awsRegion: 'us-east-1',
    messageAttributes: {},
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: 'x',
      ApproximateFirstReceiveTimestamp: '0',
    },
  };
}

const context = {
  functionName: 'pos-stock-movements',
  awsRequestId: 'req-7',
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

/** The JSON log lines written while `act` runs. */
async function logLinesDuring(act: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const written: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    await act();
  } finally {
    write.mockRestore();
  }
  return written
    .flatMap((text) => text.split('\n'))
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('per-record log keys', () => {
  beforeAll(() => logger.setLogLevel('INFO'));

  test('records of one batch handled side by side each log under their own keys', async () => {
    // Every record appends its key before any of them logs: the interleaving that mixed them up.
    const transactions = ['1001', '1002', '1003'];
    let appended = 0;
    let allAppended!: () => void;
    const barrier = new Promise<void>((resolve) => {
      allAppended = resolve;
    });
    const handler = queueConsumer(
      async (r) => {
        logger.appendKeys({ transactionId: r.body });
        appended += 1;
        if (appended === transactions.length) allAppended();
        await barrier;
        logger.info('POS transaction applied');
      },
      { failureMetric: 'ProbeFailed' },
    );

    const lines = await logLinesDuring(() => handler({ Records: transactions.map(record) }, context));

    const applied = lines.filter((line) => line.message === 'POS transaction applied');
    expect(applied.map((line) => line.transactionId).sort()).toEqual(transactions);
    expect(applied.every((line) => line.function_request_id === 'req-7' && line.cold_start !== true)).toBe(true);
  });

  test('concurrent invocations of two functions in one process each log their own function and request', async () => {
    // The first invocation logs only once the second has set its context: the runtime shares a process.
    let secondStarted!: () => void;
    const started = new Promise<void>((resolve) => {
      secondStarted = resolve;
    });
    const first = queueConsumer(
      async () => {
        await started;
        logger.info('POS transaction applied');
      },
      { failureMetric: 'ProbeFailed' },
    );
    const second = queueConsumer(
      async () => {
        secondStarted();
        logger.info('order reserved');
      },
      { failureMetric: 'ProbeFailed' },
    );
    const otherContext = {
      functionName: 'inventory-reservation',
      awsRequestId: 'req-8',
      getRemainingTimeInMillis: () => 10_000,
    } as unknown as Context;

    const lines = await logLinesDuring(() =>
      Promise.all([first({ Records: [record('3001')] }, context), second({ Records: [record('3002')] }, otherContext)]),
    );

    expect(
      lines
        .filter((line) => typeof line.message === 'string' && /applied|reserved/.test(line.message))
        .map((line) => [line.message, line.function_name, line.function_request_id])
        .sort(),
    ).toEqual([
      ['POS transaction applied', 'pos-stock-movements', 'req-7'],
      ['order reserved', 'inventory-reservation', 'req-8'],
    ]);
  });

  test("a record's keys stay off the lines logged after its batch", async () => {
    const handler = queueConsumer(
      async (r) => {
        logger.appendKeys({ transactionId: r.body });
      },
      { failureMetric: 'ProbeFailed' },
    );

    const lines = await logLinesDuring(async () => {
      await handler({ Records: [record('2001')] }, context);
      logger.info('between batches');
    });

    expect(lines.find((line) => line.message === 'between batches')).not.toHaveProperty('transactionId');
  });
});
