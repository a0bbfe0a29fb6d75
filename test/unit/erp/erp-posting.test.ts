import type { FabricEvent } from '#domain/kernel/event';
import { OrderNotPostableError, salesOrderFor, type ErpDocument, type ErpPort } from '#domain/erp/model';
import { postSalesOrderOnce, type ErpDocumentReferences, type ErpPostingPorts } from '#domain/erp/posting';
import { CLOSED_BREAKER, SharedCircuitBreaker } from '#domain/erp/resilience';
import { balancedOrder, money, thrownBy } from '../builders';

const policy = { customerFor: () => 'SHOPIFY', shippingAccount: '6100' };

describe('sales order for the ERP', () => {
  test('carries the order id as external document number, the lines in minor units and shipping net of its discount', () => {
    const order = balancedOrder({
      shipping: [{ method: 'Express', price: money(1200), discount: money(200), taxes: [] }],
    });

    expect(salesOrderFor(order, policy)).toEqual({
      externalDocumentNumber: order.orderId,
      orderDate: '2025-03-14',
      customerNumber: 'SHOPIFY',
      currency: 'USD',
      lines: [{ itemNumber: 'APP-TSHIRT-RED-M', quantity: 2, unitPrice: money(2500), discount: money(500) }],
      shipping: { accountNumber: '6100', amount: money(1000) },
    });
  });

  test('leaves shipping out when it is free', () => {
    expect(salesOrderFor(balancedOrder({ shipping: [] }), policy).shipping).toBeUndefined();
  });

  test('refuses an order with a line the cross-reference could not map, naming the line', () => {
    const order = balancedOrder();
    const unmapped = { ...order, lines: [{ ...order.lines[0], sku: null }] };

    expect(thrownBy(OrderNotPostableError, () => salesOrderFor(unmapped, policy)).message).toContain(
      'line 0 (TSHIRT-RED-M) has no internal SKU',
    );
  });
});

describe('posting a sales order once', () => {
  const order = balancedOrder();
  const committedUnanswered: ErpDocument = { erpDocumentId: 'so-guid-1', erpDocumentNumber: 'SO-1001' };

  /** An ERP that holds `held` under our order id and logs every call it is asked, in order. */
  function erpHolding(held: ErpDocument | undefined) {
    const calls: string[] = [];
    const erp: ErpPort = {
      name: 'business-central',
      findSalesOrderByExternalNumber: async (externalNumber) => {
        calls.push(`find ${externalNumber}`);
        return held;
      },
      postSalesOrder: async (salesOrder) => {
        calls.push(`post ${salesOrder.externalDocumentNumber}`);
        return { erpDocumentId: 'so-guid-2', erpDocumentNumber: 'SO-1002' };
      },
      deleteSalesOrder: async () => {
        calls.push('delete');
      },
      findJournalEntry: async () => undefined,
      postJournalEntry: async () => {
        throw new Error('not a journal entry test');
      },
    };
    return { erp, calls };
  }

  /** Ports around `erp` with a closed breaker and a cross-reference that holds `recorded` for the order. */
  function portsFor(erp: ErpPort, recorded?: ErpDocument) {
    const published: FabricEvent[] = [];
    const records: ErpDocument[] = [];
    const documents: ErpDocumentReferences = {
      withLease: (_erp, _type, _key, _leaseMs, work) =>
        work({ recorded, record: async (document) => void records.push(document), keepFor: async () => undefined }),
    };
    const ports: ErpPostingPorts = {
      erp,
      documents,
      breaker: new SharedCircuitBreaker({ load: async () => CLOSED_BREAKER, save: async () => undefined }, 'erp', {
        failureThreshold: 3,
        coolDownMs: 10_000,
      }),
      publisher: { publish: async (events) => void published.push(...events) },
      backoff: { maxAttempts: 1, baseDelayMs: 10, maxDelayMs: 10 },
      leaseMs: 1000,
      commitHorizonMs: 1000,
    };
    return { ports, published, records };
  }

  const post = (ports: ErpPostingPorts) =>
    postSalesOrderOnce(
      order.orderId,
      async () => order,
      async () => false,
      { customerFor: () => 'WEB', shippingAccount: '6100' },
      ports,
      { causationId: 'evt-1' },
    );

  test('finds a sales order the ERP already holds under the order id, and records it instead of posting again', async () => {
    const { erp, calls } = erpHolding(committedUnanswered);
    const { ports, published, records } = portsFor(erp);

    const outcome = await post(ports);

    expect(outcome).toEqual({ result: 'found_in_erp', document: committedUnanswered });
    expect(calls).toEqual([`find ${order.orderId}`]);
    expect(records).toEqual([committedUnanswered]);
    expect(published.map((event) => [event.detailType, event.data])).toEqual([
      [
        'ErpSalesOrderPosted',
        { orderId: order.orderId, erp: 'business-central', ...committedUnanswered, foundExisting: true },
      ],
    ]);
  });

  test('looks the order up before it posts, and posts only when the ERP holds nothing under it', async () => {
    const { erp, calls } = erpHolding(undefined);
    const { ports, published, records } = portsFor(erp);

    const outcome = await post(ports);

    expect(outcome).toEqual({
      result: 'posted',
      document: { erpDocumentId: 'so-guid-2', erpDocumentNumber: 'SO-1002' },
    });
    expect(calls).toEqual([`find ${order.orderId}`, `post ${order.orderId}`]);
    expect(records).toEqual([{ erpDocumentId: 'so-guid-2', erpDocumentNumber: 'SO-1002' }]);
    expect(published.map((event) => (event.data as { foundExisting: boolean }).foundExisting)).toEqual([false]);
  });

  test('asks the ERP nothing for a document the cross-reference already holds, and publishes it again', async () => {
    const { erp, calls } = erpHolding(undefined);
    const { ports, published, records } = portsFor(erp, committedUnanswered);

    const outcome = await post(ports);

    expect(outcome).toEqual({ result: 'already_recorded', document: committedUnanswered });
    expect(calls).toEqual([]);
    expect(records).toEqual([]);
    expect(published.map((event) => (event.data as { foundExisting: boolean }).foundExisting)).toEqual([true]);
  });
});
