import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { localClients, provisionLocalResources } from '../../scripts/local-fabric/provision';
import { BusinessCentralSimulator } from '../../scripts/erp-simulator/business-central-simulator';
import { BusinessCentralErp, journalDocumentNumber } from '#shared/erp/business-central/business-central.client';
import { DEVELOPMENT_ERP_CREDENTIALS } from '#shared/erp/erp-config';
import { DynamoErpDocumentReferences } from '#shared/adapters/erp-document-references';
import { DynamoBreakerStore } from '#shared/adapters/erp-circuit-breaker';
import { SharedCircuitBreaker } from '#domain/erp/resilience';
import { ErpOutcomeUnknownError } from '#domain/erp/model';
import {
  PostingInProgressError,
  postJournalEntryOnce,
  postSalesOrderOnce,
  type ErpPostingOutcome,
  type ErpPostingPorts,
} from '#domain/erp/posting';
import { balancedOrder, saleEntry } from '../unit/builders';
import { sharedEmulators, uniquePrefix } from './support/test-fabric';

// The client gives up on a request after CLIENT_TIMEOUT_MS; the simulated ERP commits a late write at
// the latest after ERP_REQUEST_LIMIT_MS, and the fabric trusts a look-up only COMMIT_HORIZON_MS after
// an unanswered write. Only the first is short on purpose; the others order the story, not assert time.
const CLIENT_TIMEOUT_MS = 1500;
const ERP_REQUEST_LIMIT_MS = 3000;
const COMMIT_HORIZON_MS = 60_000;

let simulator: BusinessCentralSimulator;
let ports: ErpPostingPorts;
let clock = 1_000_000;
let sequence = 0;
let resources: Awaited<ReturnType<typeof provisionLocalResources>>;
let client: DynamoDBDocumentClient;
const posting = { customerFor: () => 'SHOPIFY', shippingAccount: '6100' };
const notCancelled = async () => false;

beforeAll(async () => {
  const clients = localClients(sharedEmulators());
  resources = await provisionLocalResources(uniquePrefix('erp-in-doubt'), clients);
  client = DynamoDBDocumentClient.from(clients.dynamodb);
});

beforeEach(async () => {
  simulator = new BusinessCentralSimulator();
  simulator.requestLimitMs = ERP_REQUEST_LIMIT_MS;
  await simulator.start();
  const erp = new BusinessCentralErp(async () => DEVELOPMENT_ERP_CREDENTIALS, {
    apiRoot: simulator.apiRoot,
    tokenUrl: simulator.tokenUrl,
    requestTimeoutMs: CLIENT_TIMEOUT_MS,
  });
  // Its token fetched first, so that what times out is the write.
  await erp.findSalesOrderByExternalNumber('ord_warm-up');
  ports = {
    erp,
    documents: new DynamoErpDocumentReferences(resources.tables.crossReference, client, () => clock),
    breaker: new SharedCircuitBreaker(
      new DynamoBreakerStore(resources.tables.connectorState, client),
      `bc-${++sequence}`,
      { failureThreshold: 5, coolDownMs: 1000 },
    ),
    publisher: { publish: async () => undefined },
    backoff: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 1000 },
    leaseMs: 60_000,
    commitHorizonMs: COMMIT_HORIZON_MS,
    sleep: async () => undefined,
  };
});

afterEach(async () => {
  await simulator.writesSettled();
  await simulator.stop();
});

const newOrder = () => balancedOrder({ orderId: `ord_in-doubt-${Date.now()}-${++sequence}` });
const postOrder = (order: ReturnType<typeof balancedOrder>) =>
  postSalesOrderOnce(order.orderId, async () => order, notCancelled, posting, ports, {
    causationId: `evt-${order.orderId}`,
  });
const salesOrderPosts = () =>
  simulator.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/salesOrders')).length;

/**
 * Delivers the message as its queue would, until it settles: a delivery that fails transiently comes
 * back after the visibility timeout, by when the ERP has done whatever it was going to do with the
 * write and the fabric's clock has moved past the commit horizon.
 */
async function deliverUntilSettled(deliver: () => Promise<ErpPostingOutcome>): Promise<ErpPostingOutcome> {
  for (let receive = 1; ; receive += 1) {
    try {
      return await deliver();
    } catch (error) {
      if (receive >= 5) throw error;
      await simulator.writesSettled();
      clock += COMMIT_HORIZON_MS + 1;
    }
  }
}

describe('posting to an ERP that leaves a write in doubt', () => {
  test("a sales order committed but answered after the client's timeout is found, not posted again", async () => {
    const order = newOrder();
    simulator.commitThenTimeout(1, ERP_REQUEST_LIMIT_MS);

    const outcome = await deliverUntilSettled(() => postOrder(order));

    expect(outcome).toMatchObject({
      result: 'found_in_erp',
      document: { erpDocumentNumber: simulator.salesOrdersFor(order.orderId)[0]?.number },
    });
    expect(simulator.salesOrdersFor(order.orderId)).toHaveLength(1);
    expect(salesOrderPosts()).toBe(1);
  });

  test('a sales order committed before the connection dropped is found, not posted again', async () => {
    const order = newOrder();
    simulator.commitThenDrop(1);

    const outcome = await deliverUntilSettled(() => postOrder(order));

    expect(outcome.result).toBe('found_in_erp');
    expect(simulator.salesOrdersFor(order.orderId)).toHaveLength(1);
    expect(salesOrderPosts()).toBe(1);
  });

  test('a sales order whose commit lands after the client gave up is posted once: nobody looks it up before the ERP could have committed it', async () => {
    const order = newOrder();
    simulator.commitLate(1);

    await expect(postOrder(order)).rejects.toBeInstanceOf(ErpOutcomeUnknownError);
    // Redelivered while the ERP may still commit: the lease is still held, and nothing is sent.
    await expect(postOrder(order)).rejects.toBeInstanceOf(PostingInProgressError);
    const outcome = await deliverUntilSettled(() => postOrder(order));

    expect(outcome.result).toBe('found_in_erp');
    expect(simulator.salesOrdersFor(order.orderId)).toHaveLength(1);
    expect(salesOrderPosts()).toBe(1);
  });

  test('a journal entry whose $batch commits after the client gave up is posted once: nobody looks it up before the ERP could have committed it', async () => {
    const entry = saleEntry(`je-in-doubt-${Date.now()}`);
    simulator.commitLate(1, 'journalBatches');
    const postEntry = () =>
      postJournalEntryOnce(entry, ports, { correlationId: entry.entryId, causationId: `evt-${entry.entryId}` });

    await expect(postEntry()).rejects.toBeInstanceOf(ErpOutcomeUnknownError);
    await expect(postEntry()).rejects.toBeInstanceOf(PostingInProgressError);
    const outcome = await deliverUntilSettled(postEntry);

    expect(outcome.result).toBe('posted');
    const documentNumber = journalDocumentNumber(entry.entryId);
    expect(
      simulator.journalLines.filter((line) => line.documentNumber === documentNumber).map((line) => line.comment),
    ).toEqual(['1/3', '2/3', '3/3'].map((position) => `${position} ${entry.entryId}`));
  });

  test('a journal entry whose $batch committed before the connection dropped is posted once', async () => {
    const entry = saleEntry(`je-dropped-${Date.now()}`);
    simulator.commitThenDrop(1, 'journalBatches');

    await deliverUntilSettled(() =>
      postJournalEntryOnce(entry, ports, { correlationId: entry.entryId, causationId: `evt-${entry.entryId}` }),
    );

    expect(
      simulator.journalLines.filter((line) => line.documentNumber === journalDocumentNumber(entry.entryId)),
    ).toHaveLength(3);
  });
});
