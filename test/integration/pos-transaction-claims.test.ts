import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { localClients, provisionLocalResources } from '../../scripts/local-fabric/provision';
import { DynamoPosTransactionClaims } from '#shared/adapters/pos-ingest-store';
import type { PosClaimRequest } from '#domain/pos/batch-ingest';
import { sharedEmulators, uniquePrefix } from './support/test-fabric';

let claims: DynamoPosTransactionClaims;
let documents: DynamoDBDocumentClient;
/** The commands the claims sent, by name. */
let sent: string[] = [];
let table: string;
let store = 0;

beforeAll(async () => {
  const clients = localClients(sharedEmulators());
  const resources = await provisionLocalResources(uniquePrefix('pos-claims'), clients);
  documents = DynamoDBDocumentClient.from(clients.dynamodb);
  table = resources.tables.posIngest;
  const counted = {
    send: (command: { constructor: { name: string } }) => {
      sent.push(command.constructor.name);
      return documents.send(command as never);
    },
  };
  claims = new DynamoPosTransactionClaims(table, counted as unknown as DynamoDBDocumentClient);
});

beforeEach(() => {
  sent = [];
});

/** Requests for `count` keys of a store of their own, from line `firstLine` on, one line apart. */
function chunk(owner: string, count: number, options: { storeId?: string; from?: number; firstLine?: number } = {}) {
  const storeId = options.storeId ?? `store-${++store}`;
  return Array.from(
    { length: count },
    (_, i): PosClaimRequest => ({
      transactionId: `${storeId}:R1:2026-12-07:${(options.from ?? 1) + i}`,
      owner,
      line: (options.firstLine ?? 2) + i,
      fingerprint: `fp-${(options.from ?? 1) + i}`,
    }),
  );
}

const stored = async (transactionId: string) =>
  (await documents.send(new GetCommand({ TableName: table, Key: { pk: `TXN#${transactionId}`, sk: 'CLAIM' } }))).Item;

describe('POS transaction claims on DynamoDB Local', () => {
  it('claims a chunk of new keys for its upload, and again for the same upload at the same lines (a re-run after a crash)', async () => {
    const requests = chunk('upload-a', 100);

    expect(await claims.claim(requests)).toEqual(requests.map(() => null));
    expect(await claims.claim(requests)).toEqual(requests.map(() => null));
    // One request per chunk, not one per key.
    expect(sent).toEqual(['TransactWriteCommand', 'TransactWriteCommand']);
    expect(await stored(requests[41].transactionId)).toMatchObject({
      owner: 'upload-a',
      line: 43,
      fingerprint: 'fp-42',
    });
  });

  it("answers each key another upload holds with that upload's claim, claims the rest, and lets a key's first line in the chunk win", async () => {
    const storeId = `store-${++store}`;
    const held = chunk('upload-a', 30, { storeId, from: 21 });
    await claims.claim(held);
    // Keys 1 to 60 from upload-b: 21 to 50 are upload-a's; key 5 comes again at the chunk's end, from another line.
    const requests = [
      ...chunk('upload-b', 60, { storeId, firstLine: 1000 }),
      { ...chunk('upload-b', 1, { storeId, from: 5, firstLine: 5000 })[0], fingerprint: 'fp-other' },
    ];

    sent = [];
    const holders = await claims.claim(requests);

    requests.forEach((request, i) => {
      const sequence = Number(request.transactionId.split(':').pop());
      if (i === 60) expect(holders[i]).toEqual({ owner: 'upload-b', line: 1004, fingerprint: 'fp-5' });
      else if (sequence >= 21 && sequence <= 50)
        expect(holders[i]).toEqual({ owner: 'upload-a', line: 2 + sequence - 21, fingerprint: `fp-${sequence}` });
      else expect(holders[i]).toBeNull();
    });
    // The refused transaction names upload-a's keys, the next claims the new ones, and the repeat is put after them.
    expect(sent).toEqual(['TransactWriteCommand', 'TransactWriteCommand', 'PutCommand']);
    expect(await stored(requests[4].transactionId)).toMatchObject({ owner: 'upload-b', line: 1004 });
    expect(await stored(requests[30].transactionId)).toMatchObject({ owner: 'upload-a' });
  });

  it('gives every key to exactly one of two uploads claiming the same keys at once', async () => {
    const storeId = `store-${++store}`;
    const a = chunk('upload-a', 150, { storeId });
    const b = chunk('upload-b', 150, { storeId, firstLine: 9000 });
    // One key already held by a third upload: both transactions are refused, and each key is decided one by one.
    await documents.send(
      new PutCommand({
        TableName: table,
        Item: { pk: `TXN#${a[70].transactionId}`, sk: 'CLAIM', owner: 'upload-c', line: 7, fingerprint: 'fp-71' },
      }),
    );

    const [forA, forB] = await Promise.all([claims.claim(a), claims.claim(b)]);

    for (let i = 0; i < a.length; i += 1) {
      const item = await stored(a[i].transactionId);
      if (i === 70) {
        expect([forA[i]?.owner, forB[i]?.owner, item?.owner]).toEqual(['upload-c', 'upload-c', 'upload-c']);
        continue;
      }
      const winner = forA[i] === null ? 'upload-a' : 'upload-b';
      expect(item?.owner).toBe(winner);
      expect((winner === 'upload-a' ? forB : forA)[i]).toEqual({
        owner: winner,
        line: winner === 'upload-a' ? a[i].line : b[i].line,
        fingerprint: a[i].fingerprint,
      });
      expect((winner === 'upload-a' ? forA : forB)[i]).toBeNull();
    }
  });
});
