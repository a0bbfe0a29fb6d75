import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { localClients, provisionLocalResources } from '../../scripts/local-fabric/provision';
import { DynamoErpDocumentReferences } from '#shared/adapters/erp-document-references';
import { PostingInProgressError, type DocumentLease } from '#domain/erp/posting';
import { sharedEmulators, uniquePrefix } from './support/test-fabric';

let client: DynamoDBDocumentClient;
let table: string;
let clock = 1_000_000;
let documents: DynamoErpDocumentReferences;
let sequence = 0;
const nextKey = () => `ord_${String(++sequence).padStart(26, 'd')}`;
const salesOrder = { erpDocumentId: 'so-guid-1', erpDocumentNumber: 'SO-1001' };

beforeAll(async () => {
  const clients = localClients(sharedEmulators());
  const resources = await provisionLocalResources(uniquePrefix('erp-documents'), clients);
  client = DynamoDBDocumentClient.from(clients.dynamodb);
  table = resources.tables.crossReference;
  documents = new DynamoErpDocumentReferences(table, client, () => clock);
});

/** Takes the lease and leaves `work` running until the returned release is called. */
function holdLease(
  key: string,
  leaseMs = 60_000,
): { taken: Promise<DocumentLease>; release: () => void; done: Promise<unknown> } {
  let release!: () => void;
  let taken!: (lease: DocumentLease) => void;
  const lease = new Promise<DocumentLease>((resolve) => {
    taken = resolve;
  });
  const done = documents.withLease('bc', 'sales_order', key, leaseMs, (held) => {
    taken(held);
    return new Promise<void>((resolve) => {
      release = resolve;
    });
  });
  return { taken: lease, release: () => release(), done };
}

describe('ERP document references on DynamoDB Local', () => {
  it('refuses a second lease on a document while the first is held, and grants it once that one is let go', async () => {
    const key = nextKey();
    const first = holdLease(key);
    expect((await first.taken).recorded).toBeUndefined();

    await expect(documents.withLease('bc', 'sales_order', key, 60_000, async () => 'second')).rejects.toBeInstanceOf(
      PostingInProgressError,
    );

    first.release();
    await first.done;
    await expect(
      documents.withLease('bc', 'sales_order', key, 60_000, async (lease) => lease.recorded),
    ).resolves.toBeUndefined();
  });

  it('hands the next holder what the last one recorded, and recording lets the lease go', async () => {
    const key = nextKey();
    await documents.withLease('bc', 'sales_order', key, 60_000, (lease) => lease.record(salesOrder));

    const seen = await documents.withLease('bc', 'sales_order', key, 60_000, async (lease) => lease.recorded);

    expect(seen).toEqual(salesOrder);
    const { Item } = await client.send(
      new GetCommand({
        TableName: table,
        Key: { pk: `ERP_DOCUMENT#bc#sales_order#${key}`, sk: 'ERP' },
        ConsistentRead: true,
      }),
    );
    expect(Item).toMatchObject(salesOrder);
    expect(Item).not.toHaveProperty('leaseUntil');
  });

  it('lets the lease go when the work fails, so the redelivery can post', async () => {
    const key = nextKey();
    await expect(
      documents.withLease('bc', 'journal_entry', key, 60_000, async () => {
        throw new Error('ERP down');
      }),
    ).rejects.toThrow('ERP down');

    await expect(documents.withLease('bc', 'journal_entry', key, 60_000, async () => 'posted')).resolves.toBe('posted');
  });

  it("gives a crashed holder's expired lease to the next consumer, and the late holder neither frees it nor loses its post", async () => {
    const key = nextKey();
    const stale = holdLease(key, 1_000);
    await stale.taken;
    clock += 5_000;

    const successor = holdLease(key, 60_000);
    const lease = await successor.taken;
    // The stale holder wakes, records what it posted and finishes: the successor's lease must survive it.
    const staleLease = await stale.taken;
    await staleLease.record(salesOrder);
    stale.release();
    await stale.done;

    await expect(documents.withLease('bc', 'sales_order', key, 60_000, async () => 'third')).rejects.toBeInstanceOf(
      PostingInProgressError,
    );
    expect(lease.recorded).toBeUndefined();
    successor.release();
    await successor.done;
    await expect(documents.withLease('bc', 'sales_order', key, 60_000, async (next) => next.recorded)).resolves.toEqual(
      salesOrder,
    );
  });
});
