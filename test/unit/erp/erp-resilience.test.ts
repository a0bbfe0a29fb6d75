import {
  ErpBusinessRejectionError,
  ErpCircuitOpenError,
  ErpOutcomeUnknownError,
  ErpTransientError,
} from '#domain/erp/model';
import {
  BREAKER_RACE_PAUSE_MS,
  BreakerConflictError,
  CLOSED_BREAKER,
  SharedCircuitBreaker,
  admit,
  afterFailure,
  afterSuccess,
  backoffDelayMs,
  withBackoff,
  type BreakerState,
  type BreakerStore,
} from '#domain/erp/resilience';
import {
  cancelSalesOrderOnce,
  postSalesOrderOnce,
  type DocumentLease,
  type ErpDocumentReferences,
  type ErpPostingPorts,
} from '#domain/erp/posting';
import type { ErpDocument, ErpPort } from '#domain/erp/model';
import { balancedOrder } from '../builders';

const policy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 2000 };
const breakerPolicy = { failureThreshold: 3, coolDownMs: 10_000 };

describe('backoff with full jitter', () => {
  test('waits up to base x 2^attempt, capped', () => {
    expect(backoffDelayMs(0, policy, undefined, () => 0.999)).toBe(99);
    expect(backoffDelayMs(3, policy, undefined, () => 0.5)).toBe(400);
    expect(backoffDelayMs(10, policy, undefined, () => 0.999)).toBe(1998);
    expect(backoffDelayMs(2, policy, undefined, () => 0)).toBe(0);
  });

  test("never comes back sooner than the ERP's Retry-After", () => {
    expect(backoffDelayMs(0, policy, 1500, () => 0.1)).toBe(1500);
  });

  test('retries transient failures and returns the first success', async () => {
    const waits: number[] = [];
    let calls = 0;
    const result = await withBackoff(
      async () => {
        calls += 1;
        if (calls < 3) throw new ErpTransientError('503', 503);
        return 'posted';
      },
      policy,
      {
        sleep: async (ms) => {
          waits.push(ms);
        },
        random: () => 0.5,
      },
    );

    expect(result).toBe('posted');
    expect(waits).toEqual([50, 100]);
  });

  test('gives up after maxAttempts with the last transient error', async () => {
    let calls = 0;
    await expect(
      withBackoff(
        async () => {
          calls += 1;
          throw new ErpTransientError('503', 503);
        },
        policy,
        { sleep: async () => undefined },
      ),
    ).rejects.toBeInstanceOf(ErpTransientError);
    expect(calls).toBe(4);
  });

  test('does not retry a business rejection', async () => {
    let calls = 0;
    await expect(
      withBackoff(
        async () => {
          calls += 1;
          throw new ErpBusinessRejectionError('X', 'closed period', 400);
        },
        policy,
        { sleep: async () => undefined },
      ),
    ).rejects.toBeInstanceOf(ErpBusinessRejectionError);
    expect(calls).toBe(1);
  });

  test('counts a write left unanswered against the breaker but does not send it again: the ERP may still commit it', async () => {
    let calls = 0;
    const failures: string[] = [];
    await expect(
      withBackoff(
        async () => {
          calls += 1;
          throw new ErpOutcomeUnknownError('timed out');
        },
        policy,
        {
          sleep: async () => undefined,
          onTransientFailure: async (error) => void failures.push(error.name),
        },
      ),
    ).rejects.toBeInstanceOf(ErpOutcomeUnknownError);
    expect(calls).toBe(1);
    expect(failures).toEqual(['ErpOutcomeUnknownError']);
  });

  test('hands a Retry-After longer than one invocation may wait back to the queue at once', async () => {
    let calls = 0;
    await expect(
      withBackoff(
        async () => {
          calls += 1;
          throw new ErpTransientError('429', 429, 60_000);
        },
        policy,
        { sleep: async () => undefined },
      ),
    ).rejects.toBeInstanceOf(ErpTransientError);
    expect(calls).toBe(1);
  });
});

describe('circuit breaker state', () => {
  test('opens after the threshold of consecutive failures, not before', () => {
    let state: BreakerState = CLOSED_BREAKER;
    state = afterFailure(state, 1, breakerPolicy);
    state = afterFailure(state, 2, breakerPolicy);
    expect(state.status).toBe('closed');
    state = afterFailure(state, 3, breakerPolicy);
    expect(state).toMatchObject({ status: 'open', openedAt: 3 });
  });

  test('refuses calls while open, then lets one probe through after the cool-down', () => {
    const open: BreakerState = { status: 'open', consecutiveFailures: 3, openedAt: 1000, version: 3 };

    expect(admit(open, 5000, breakerPolicy)).toEqual({ admitted: false, retryInMs: 6000 });
    const probe = admit(open, 11_000, breakerPolicy);
    expect(probe).toMatchObject({ admitted: true, next: { status: 'half_open', probeStartedAt: 11_000, version: 4 } });
    expect(admit((probe as { next: BreakerState }).next, 11_001, breakerPolicy)).toMatchObject({ admitted: false });
  });

  test('a successful probe closes it; a failed probe opens it again from now', () => {
    const halfOpen: BreakerState = {
      status: 'half_open',
      consecutiveFailures: 3,
      openedAt: 1000,
      probeStartedAt: 11_000,
      version: 4,
    };

    expect(afterSuccess(halfOpen)).toEqual({ status: 'closed', consecutiveFailures: 0, version: 5 });
    expect(afterFailure(halfOpen, 12_000, breakerPolicy)).toMatchObject({ status: 'open', openedAt: 12_000 });
  });

  test('a success on a clean closed breaker writes nothing', () => {
    expect(afterSuccess(CLOSED_BREAKER)).toBeUndefined();
  });
});

class MemoryBreakerStore implements BreakerStore {
  state: BreakerState = CLOSED_BREAKER;
  conflicts = 0;

  async load() {
    return { ...this.state };
  }

  async save(_name: string, next: BreakerState) {
    if (this.conflicts > 0) {
      this.conflicts -= 1;
      // Another container wrote in between.
      this.state = {
        ...this.state,
        consecutiveFailures: this.state.consecutiveFailures + 1,
        version: this.state.version + 1,
      };
      throw new BreakerConflictError('moved');
    }
    if (next.version !== this.state.version + 1) throw new BreakerConflictError('moved');
    this.state = next;
  }
}

describe('shared circuit breaker', () => {
  test('counts a failure lost to a race instead of dropping it', async () => {
    const store = new MemoryBreakerStore();
    const breaker = new SharedCircuitBreaker(store, 'erp', breakerPolicy, () => 0);
    store.conflicts = 1;

    await breaker.recordFailure();

    expect(store.state.consecutiveFailures).toBe(2);
  });

  test('pauses a random while, at most doubling, after each lost race, and gives up after five', async () => {
    const store = new MemoryBreakerStore();
    const pauses: number[] = [];
    const breaker = new SharedCircuitBreaker(
      store,
      'erp',
      breakerPolicy,
      () => 0,
      () => undefined,
      async (ms) => {
        pauses.push(ms);
      },
    );
    store.conflicts = 3;
    await breaker.recordFailure();
    expect(pauses).toHaveLength(3);
    for (const [race, ms] of pauses.entries()) expect(ms).toBeLessThanOrEqual(BREAKER_RACE_PAUSE_MS * 2 ** race);
    expect(store.state.consecutiveFailures).toBe(4);

    pauses.length = 0;
    store.conflicts = 5;
    await expect(breaker.recordFailure()).rejects.toBeInstanceOf(BreakerConflictError);
    expect(pauses).toHaveLength(4);
  });

  test('fails fast while open and admits a probe after the cool-down', async () => {
    let now = 0;
    const store = new MemoryBreakerStore();
    const breaker = new SharedCircuitBreaker(store, 'erp', breakerPolicy, () => now);
    for (let i = 0; i < 3; i += 1) await breaker.recordFailure();

    await expect(breaker.ensureAdmitted()).rejects.toBeInstanceOf(ErpCircuitOpenError);
    now = 10_000;
    const probe = await breaker.ensureAdmitted();
    expect(probe.status).toBe('half_open');
    await breaker.recordSuccess(probe);
    expect(store.state.status).toBe('closed');
  });

  test('reads nothing to record a success the closed, clean breaker admitted, and resets failures counted before it', async () => {
    const store = new MemoryBreakerStore();
    const breaker = new SharedCircuitBreaker(store, 'erp', breakerPolicy, () => 0);
    const load = jest.spyOn(store, 'load');

    const admitted = await breaker.ensureAdmitted();
    await breaker.recordSuccess(admitted);
    expect(load).toHaveBeenCalledTimes(1);

    await breaker.recordFailure();
    await breaker.recordSuccess(await breaker.ensureAdmitted());
    expect(store.state).toMatchObject({ status: 'closed', consecutiveFailures: 0 });
  });

  test("admits on a closed, clean breaker it read within closedViewMs without reading it again; then reads, and sees another container's opening", async () => {
    let now = 0;
    const store = new MemoryBreakerStore();
    const breaker = new SharedCircuitBreaker(store, 'erp', { ...breakerPolicy, closedViewMs: 1000 }, () => now);
    const load = jest.spyOn(store, 'load');

    await breaker.ensureAdmitted();
    now = 999;
    await breaker.ensureAdmitted();
    expect(load).toHaveBeenCalledTimes(1);

    // Another container opens the breaker.
    store.state = { status: 'open', consecutiveFailures: 3, openedAt: 500, version: 3 };
    now = 1000;
    await expect(breaker.ensureAdmitted()).rejects.toBeInstanceOf(ErpCircuitOpenError);
    expect(load).toHaveBeenCalledTimes(2);
  });

  test('reads the breaker for every call once this container counted a failure, however recent its view', async () => {
    const store = new MemoryBreakerStore();
    const breaker = new SharedCircuitBreaker(store, 'erp', { ...breakerPolicy, closedViewMs: 60_000 }, () => 0);
    await breaker.ensureAdmitted();
    await breaker.recordFailure();
    const load = jest.spyOn(store, 'load');

    await breaker.ensureAdmitted();
    await breaker.ensureAdmitted();

    expect(load).toHaveBeenCalledTimes(2);
  });
});

/** An ERP holding sales orders by our order id, that answers its first requests with `failures`. */
function erpFailingWith(failures: ErpTransientError[]): ErpPort & { posted: string[] } {
  const posted: string[] = [];
  const answer = () => {
    const failure = failures.shift();
    if (failure) throw failure;
  };
  const documentOf = (orderId: string) => ({ erpDocumentId: `so-${orderId}`, erpDocumentNumber: `SO-${orderId}` });
  return {
    name: 'erp',
    posted,
    async findSalesOrderByExternalNumber(orderId) {
      answer();
      return posted.includes(orderId) ? documentOf(orderId) : undefined;
    },
    async postSalesOrder(order) {
      answer();
      posted.push(order.externalDocumentNumber);
      return documentOf(order.externalDocumentNumber);
    },
    async deleteSalesOrder(document) {
      answer();
      posted.splice(
        posted.findIndex((orderId) => documentOf(orderId).erpDocumentId === document.erpDocumentId),
        1,
      );
    },
    findJournalEntry: async () => undefined,
    postJournalEntry: async () => ({ erpDocumentId: 'je', erpDocumentNumber: 'JE' }),
  };
}

class MemoryDocuments implements ErpDocumentReferences {
  readonly held = new Map<string, ErpDocument>();
  /** How long each holder asked to keep its lease past its work. */
  readonly kept: number[] = [];
  withLease = <T>(
    _erp: string,
    _type: string,
    key: string,
    _leaseMs: number,
    work: (lease: DocumentLease) => Promise<T>,
  ) =>
    work({
      recorded: this.held.get(key),
      record: async (document) => void this.held.set(key, document),
      keepFor: async (ms) => void this.kept.push(ms),
    });
}

describe('posting through the shared breaker', () => {
  const order = balancedOrder();
  const posting = { customerFor: () => 'WEB', shippingAccount: '6100' };
  const notCancelled = async () => false;

  function portsFor(erp: ErpPort, store: MemoryBreakerStore, now: () => number): ErpPostingPorts {
    return {
      erp,
      documents: new MemoryDocuments(),
      breaker: new SharedCircuitBreaker(store, 'erp', breakerPolicy, now),
      publisher: { publish: async () => undefined },
      backoff: { maxAttempts: 5, baseDelayMs: 10, maxDelayMs: 2000 },
      leaseMs: 1000,
      commitHorizonMs: 1000,
      sleep: async () => undefined,
    };
  }

  test('waits out 429s without opening the breaker: a throttling ERP is up', async () => {
    const throttled = () => new ErpTransientError('429', 429, 1000);
    const erp = erpFailingWith([throttled(), throttled(), throttled(), throttled()]);
    const store = new MemoryBreakerStore();

    const outcome = await postSalesOrderOnce(
      order.orderId,
      async () => order,
      notCancelled,
      posting,
      portsFor(erp, store, () => 0),
      { causationId: 'evt-1' },
    );

    expect(outcome.result).toBe('posted');
    expect(erp.posted).toEqual([order.orderId]);
    expect(store.state).toMatchObject({ status: 'closed', consecutiveFailures: 0 });
  });

  test("a 429 answering the half-open probe closes the breaker, so the probe's own retry is admitted", async () => {
    const erp = erpFailingWith([new ErpTransientError('429', 429, 500)]);
    const store = new MemoryBreakerStore();
    store.state = { status: 'open', consecutiveFailures: 3, openedAt: 0, version: 4 };

    const outcome = await postSalesOrderOnce(
      order.orderId,
      async () => order,
      notCancelled,
      posting,
      portsFor(erp, store, () => 20_000),
      { causationId: 'evt-1' },
    );

    expect(outcome.result).toBe('posted');
    expect(store.state.status).toBe('closed');
  });

  test('keeps the lease for the commit horizon when the ERP leaves a post unanswered, and neither looks it up nor posts it again meanwhile', async () => {
    const erp = erpFailingWith([]);
    erp.postSalesOrder = async () => {
      throw new ErpOutcomeUnknownError('timed out');
    };
    const lookups = jest.spyOn(erp, 'findSalesOrderByExternalNumber');
    const ports = portsFor(erp, new MemoryBreakerStore(), () => 0);

    await expect(
      postSalesOrderOnce(order.orderId, async () => order, notCancelled, posting, ports, { causationId: 'evt-1' }),
    ).rejects.toBeInstanceOf(ErpOutcomeUnknownError);
    expect((ports.documents as MemoryDocuments).kept).toEqual([ports.commitHorizonMs]);
    expect(lookups).toHaveBeenCalledTimes(1);
  });

  test('an outage still opens it, and the open breaker refuses the rest of the attempts', async () => {
    const down = () => new ErpTransientError('503', 503);
    const erp = erpFailingWith([down(), down(), down(), down(), down()]);
    const store = new MemoryBreakerStore();

    await expect(
      postSalesOrderOnce(
        order.orderId,
        async () => order,
        notCancelled,
        posting,
        portsFor(erp, store, () => 0),
        { causationId: 'evt-1' },
      ),
    ).rejects.toBeInstanceOf(ErpCircuitOpenError);
    expect(store.state).toMatchObject({ status: 'open', consecutiveFailures: 3 });
    expect(erp.posted).toEqual([]);
  });
});

describe('a cancelled order and the ERP', () => {
  const order = balancedOrder();
  const posting = { customerFor: () => 'WEB', shippingAccount: '6100' };
  const published: string[] = [];
  const portsFor = (erp: ErpPort, documents = new MemoryDocuments()): ErpPostingPorts => ({
    erp,
    documents,
    breaker: new SharedCircuitBreaker(new MemoryBreakerStore(), 'erp', breakerPolicy, () => 0),
    publisher: { publish: async (events) => void published.push(...events.map((e) => e.detailType)) },
    backoff: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 2000 },
    leaseMs: 1000,
    commitHorizonMs: 1000,
    sleep: async () => undefined,
  });

  test('deletes the sales order of an order cancelled after it was posted, and publishes it', async () => {
    const erp = erpFailingWith([]);
    const ports = portsFor(erp);
    await postSalesOrderOnce(
      order.orderId,
      async () => order,
      async () => false,
      posting,
      ports,
      { causationId: 'evt-1' },
    );
    published.length = 0;

    const outcome = await cancelSalesOrderOnce(order.orderId, ports, { causationId: 'evt-2' });

    expect(outcome).toEqual({
      result: 'deleted',
      document: { erpDocumentId: `so-${order.orderId}`, erpDocumentNumber: `SO-${order.orderId}` },
    });
    expect(erp.posted).toEqual([]);
    expect(published).toEqual(['ErpSalesOrderCancelled']);
  });

  test('finds in the ERP a post that committed unanswered, and deletes it', async () => {
    const erp = erpFailingWith([]);
    erp.posted.push(order.orderId);

    expect((await cancelSalesOrderOnce(order.orderId, portsFor(erp), { causationId: 'evt-2' })).result).toBe('deleted');
    expect(erp.posted).toEqual([]);
  });

  test("publishes the ERP's refusal to delete a sales order, with its message, and does not retry it", async () => {
    const erp = erpFailingWith([]);
    erp.posted.push(order.orderId);
    erp.deleteSalesOrder = async () => {
      throw new ErpBusinessRejectionError(
        'Application_DialogException',
        'You cannot delete the order, it has been shipped.',
        400,
      );
    };
    published.length = 0;

    const outcome = await cancelSalesOrderOnce(order.orderId, portsFor(erp), { causationId: 'evt-2' });

    expect(outcome).toEqual({
      result: 'rejected',
      erpCode: 'Application_DialogException',
      erpMessage: 'You cannot delete the order, it has been shipped.',
    });
    expect(published).toEqual(['ErpPostingRejected']);
    expect(erp.posted).toEqual([order.orderId]);
  });

  test('does not post an order whose cancellation overtook its posting', async () => {
    const erp = erpFailingWith([]);
    const ports = portsFor(erp);

    expect(await cancelSalesOrderOnce(order.orderId, ports, { causationId: 'evt-2' })).toEqual({
      result: 'nothing_posted',
    });
    expect(
      await postSalesOrderOnce(
        order.orderId,
        async () => order,
        async () => true,
        posting,
        ports,
        { causationId: 'evt-1' },
      ),
    ).toEqual({ result: 'order_cancelled' });
    expect(erp.posted).toEqual([]);
  });
});
