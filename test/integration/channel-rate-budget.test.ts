import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { localClients, provisionLocalResources } from '../../scripts/local-fabric/provision';
import { DynamoTokenBucket } from '#shared/adapters/publication-ledger';
import type { RateLimit } from '#domain/kernel/rate-limit';
import { sharedEmulators, uniquePrefix } from './support/test-fabric';

let table: string;
let client: DynamoDBDocumentClient;
/** The commands sent to DynamoDB, by name, since the test began. */
let sent: string[];

beforeAll(async () => {
  const clients = localClients(sharedEmulators());
  table = (await provisionLocalResources(uniquePrefix('rate-budget'), clients)).tables.channelPublications;
  client = DynamoDBDocumentClient.from(clients.dynamodb);
  const send = client.send.bind(client) as (command: object) => Promise<unknown>;
  jest.spyOn(client, 'send').mockImplementation(((command: object) => {
    sent.push(command.constructor.name);
    return send(command);
  }) as typeof client.send);
});

beforeEach(() => {
  sent = [];
});

/** A clock shared by the containers of one test: it stands still until a sleeper moves it on to its wake time. */
function virtualClock(start = 1_760_000_000_000) {
  const clock = {
    now: start,
    waits: [] as number[],
    read: () => clock.now,
    sleep: async (ms: number) => {
      clock.waits.push(ms);
      const wake = clock.now + ms;
      await new Promise((resolve) => setImmediate(resolve));
      clock.now = Math.max(clock.now, wake);
    },
  };
  return clock;
}

/** `count` buckets on one item, as that many Lambda containers of one seller account would hold. */
function containers(
  account: string,
  limit: RateLimit,
  clock: { read: () => number; sleep: (ms: number) => Promise<void> },
  count = 1,
): DynamoTokenBucket[] {
  return Array.from(
    { length: count },
    () => new DynamoTokenBucket(table, async () => account, limit, client, clock.read, clock.sleep),
  );
}

const newAccount = () => `test#${randomUUID()}`;
const refuseToWait = {
  read: () => 1_000,
  sleep: async () => {
    throw new Error('would wait for a token');
  },
};

describe('shared token bucket on DynamoDB Local', () => {
  it('grants exactly the burst to containers taking tokens at the same instant, never one token twice', async () => {
    const buckets = containers(newAccount(), { ratePerSecond: 1, burst: 5 }, refuseToWait, 3);

    const takes = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => buckets[i % 3].take()));

    expect(takes.filter((take) => take.status === 'fulfilled')).toHaveLength(5);
  });

  it('grants the burst at once with one write a token and no read, then waits one interval for the next', async () => {
    const clock = virtualClock();
    const [bucket] = containers(newAccount(), { ratePerSecond: 2, burst: 4 }, clock);

    for (let i = 0; i < 4; i += 1) await bucket.take();
    expect(clock.waits).toEqual([]);
    expect(sent).toEqual(Array(4).fill('UpdateCommand'));

    await bucket.take();
    expect(clock.waits).toEqual([500]);
  });

  it('lets containers that know the bucket is busy take tokens at once without one failed write', async () => {
    const clock = virtualClock();
    const account = newAccount();
    const buckets = containers(account, { ratePerSecond: 1, burst: 10 }, clock, 4);
    for (const bucket of buckets) await bucket.take();
    sent = [];

    await Promise.all(buckets.map((bucket) => bucket.take()));

    expect(sent).toEqual(Array(4).fill('UpdateCommand'));
    expect(clock.waits).toEqual([]);
    const { Item } = await client.send(
      new GetCommand({ TableName: table, Key: { pk: `RATE#${account}`, sk: 'BUCKET' }, ConsistentRead: true }),
    );
    expect(Item?.tat).toBe(clock.now + 8 * 1000);
  });

  it('never grants containers taking tokens together more than burst + rate × elapsed, and leaves none of the budget unspent', async () => {
    const limit = { ratePerSecond: 10, burst: 5 };
    const clock = virtualClock();
    const start = clock.now;
    const buckets = containers(newAccount(), limit, clock, 4);

    await Promise.all(
      buckets.map(async (bucket) => {
        for (let i = 0; i < 15; i += 1) await bucket.take();
      }),
    );

    const granted = 4 * 15;
    const elapsedMs = clock.now - start;
    expect(granted).toBeLessThanOrEqual(limit.burst + (elapsedMs / 1000) * limit.ratePerSecond);
    // The last token was taken when it fell due, not later.
    expect(elapsedMs).toBe((granted - limit.burst) * 100);
    expect(sent.every((command) => command === 'UpdateCommand')).toBe(true);
  });

  it('makes every container wait one interval after a 429, even one that drained nothing itself', async () => {
    const clock = virtualClock();
    const [throttled, other] = containers(newAccount(), { ratePerSecond: 1, burst: 5 }, clock, 2);
    await other.take();

    await throttled.drain();
    await other.take();

    expect(clock.waits).toEqual([1000]);
  });

  it('is not moved back by a later 429 from a container whose clock is behind', async () => {
    const ahead = virtualClock(10_000);
    const behind = virtualClock(2_000);
    const account = newAccount();
    const limit = { ratePerSecond: 1, burst: 5 };
    await containers(account, limit, ahead)[0].drain();

    await containers(account, limit, behind)[0].drain();

    const [bucket] = containers(account, limit, ahead);
    await bucket.take();
    expect(ahead.waits).toEqual([1000]);
  });

  it('treats an item of the earlier format (tokens and updatedAt, no tat) as an idle bucket', async () => {
    const clock = virtualClock();
    const account = newAccount();
    await client.send(
      new PutCommand({
        TableName: table,
        Item: { pk: `RATE#${account}`, sk: 'BUCKET', tokens: 0, updatedAt: clock.now },
      }),
    );
    const [bucket] = containers(account, { ratePerSecond: 1, burst: 3 }, clock);

    for (let i = 0; i < 4; i += 1) await bucket.take();

    expect(clock.waits).toEqual([1000]);
  });
});
