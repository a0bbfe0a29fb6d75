import {
  actionBody,
  actionOutcome,
  filterChoices,
  type FulfilmentRequest,
  groupTasks,
  historyEntries,
  linesLabel,
  locationHash,
  offeredActions,
  requestsInOrder,
  sourcingSummary,
  storeFrom,
  taskDeadline,
  taskFilter,
} from '../../../console/src/view/store-tasks';

const task = (requestId: string, overrides: Partial<FulfilmentRequest> = {}): FulfilmentRequest => ({
  requestId,
  orderId: 'ord_1',
  channel: 'shopify',
  channelOrderId: '5551',
  locationId: 'store-042',
  locationKind: 'store',
  method: 'pickup',
  route: 'store_task',
  status: 'open',
  lines: [{ lineId: 'l1', sku: 'TEE-RED-M', quantity: 2 }],
  attempt: 1,
  createdAt: '2026-12-06T11:00:00Z',
  updatedAt: '2026-12-06T11:00:00Z',
  history: [],
  ...overrides,
});

const now = new Date('2026-12-06T12:00:00Z');

describe('the Store tasks page', () => {
  it("shows the store's work now by default, grouped by status in the order it is done, oldest first", () => {
    const tasks = [
      task('b', { status: 'ready_for_pickup', createdAt: '2026-12-06T09:00:00Z' }),
      task('c', { status: 'open', createdAt: '2026-12-06T11:30:00Z' }),
      task('d', { status: 'collected' }),
      task('a', { status: 'open', createdAt: '2026-12-06T10:00:00Z' }),
    ];

    expect(groupTasks(tasks, 'active').map((group) => [group.status, group.tasks.map((t) => t.requestId)])).toEqual([
      ['open', ['a', 'c']],
      ['ready_for_pickup', ['b']],
    ]);
    expect(groupTasks(tasks, 'collected').map((group) => group.status)).toEqual(['collected']);
    expect(groupTasks(tasks, 'all').flatMap((group) => group.tasks.map((t) => t.requestId))).toEqual([
      'a',
      'c',
      'b',
      'd',
    ]);
    expect(groupTasks(tasks, 'rejected')).toEqual([]);
  });

  it('reads the filter from the address, showing the work now for anything it does not know', () => {
    expect(taskFilter('ready_for_pickup')).toBe('ready_for_pickup');
    expect(taskFilter('all')).toBe('all');
    expect(taskFilter(null)).toBe('active');
    expect(taskFilter('released')).toBe('active');
  });

  it("counts each filter's tasks in its choice", () => {
    const choices = filterChoices([task('a'), task('b', { status: 'expired' })]);

    expect(choices.slice(0, 3)).toEqual([
      { value: 'active', label: 'To do (1)' },
      { value: 'all', label: 'Every task (2)' },
      { value: 'open', label: 'Open: waiting to be accepted (1)' },
    ]);
    expect(choices).toContainEqual({ value: 'expired', label: 'Pickup expired (1)' });
  });

  it('flags an acceptance deadline that passed or is minutes away, while the task is open', () => {
    expect(taskDeadline(task('a', { acceptBy: '2026-12-06T11:57:00Z' }), now)).toEqual({
      at: '2026-12-06T11:57:00Z',
      label: 'acceptance deadline passed 3 min ago',
      urgency: 'passed',
    });
    expect(taskDeadline(task('a', { acceptBy: '2026-12-06T12:04:00Z' }), now)).toMatchObject({
      label: 'accept within 4 min',
      urgency: 'soon',
    });
    expect(taskDeadline(task('a', { acceptBy: '2026-12-06T12:30:00Z' }), now)?.urgency).toBe('later');
    expect(taskDeadline(task('a', { status: 'accepted', acceptBy: '2026-12-06T11:57:00Z' }), now)).toBeUndefined();
  });

  it('flags a pickup hold that ended or ends within hours, while the order waits to be collected', () => {
    const ready = (pickupExpiresAt: string) => task('a', { status: 'ready_for_pickup', pickupExpiresAt });

    expect(taskDeadline(ready('2026-12-06T10:00:00Z'), now)).toMatchObject({
      label: 'pickup hold ended 2 h 00 min ago',
      urgency: 'passed',
    });
    expect(taskDeadline(ready('2026-12-06T18:00:00Z'), now)).toMatchObject({
      label: 'collect within 6 h 00 min',
      urgency: 'soon',
    });
    expect(taskDeadline(ready('2026-12-09T12:00:00Z'), now)).toMatchObject({
      label: 'collect within 3 d 0 h',
      urgency: 'later',
    });
    expect(taskDeadline(task('a', { status: 'collected', pickupExpiresAt: '2026-12-06T10:00:00Z' }), now)).toBe(
      undefined,
    );
  });

  it('offers an operator the next steps of a store task, a viewer none', () => {
    expect(offeredActions(task('a'), true)).toEqual(['accept', 'reject']);
    expect(offeredActions(task('a'), false)).toEqual([]);
    expect(offeredActions(task('a', { status: 'accepted' }), true)).toEqual(['picked', 'reject']);
    expect(offeredActions(task('a', { status: 'ready_for_pickup' }), true)).toEqual(['collect']);
    expect(offeredActions(task('a', { status: 'accepted', method: 'ship_from_store' }), true)).toEqual([
      'picked',
      'shipped',
      'reject',
    ]);
    expect(offeredActions(task('a', { status: 'picked', method: 'ship' }), true)).toEqual(['shipped', 'reject']);
    expect(offeredActions(task('a', { status: 'rejected' }), true)).toEqual([]);
    expect(offeredActions(task('a', { route: 'shipbob', status: 'sent_to_3pl' }), true)).toEqual([]);
  });

  it('sends a rejection only with its reason and a collection only with the code, trimmed', () => {
    expect(actionBody('accept', {})).toEqual({ body: {} });
    expect(actionBody('reject', { reason: '  ' })).toMatchObject({ field: 'reason' });
    expect(actionBody('reject', { reason: ' shelf empty ' })).toEqual({ body: { reason: 'shelf empty' } });
    expect(actionBody('collect', {})).toEqual({ field: 'code', problem: 'Enter the pickup code the customer shows.' });
    expect(actionBody('collect', { code: ' 483920 ' })).toEqual({ body: { code: '483920' } });
    expect(actionBody('shipped', { carrier: 'UPS' })).toMatchObject({ field: 'trackingNumber' });
    expect(actionBody('shipped', { carrier: 'UPS', trackingNumber: '1Z999' })).toEqual({
      body: { carrier: 'UPS', trackingNumber: '1Z999' },
    });
  });

  it("says what an action did in the task's new status", () => {
    expect(actionOutcome(task('ord_1.store-042.1', { status: 'accepted' }))).toBe(
      'Task ord_1.store-042.1 is accepted: being picked now.',
    );
  });

  it('opens a typed store id, refusing an empty one or one that cannot be a store id', () => {
    expect(storeFrom(' store-042 ')).toEqual({ hash: '#/store-tasks/store-042' });
    expect(storeFrom('')).toEqual({ problem: 'Choose or type a store id.' });
    expect(storeFrom('store 42')).toEqual({ problem: 'A store id has no spaces, # or ?.' });
  });

  it("writes a task's lines as quantities of SKUs", () => {
    expect(
      linesLabel([
        { lineId: 'l1', sku: 'TEE-RED-M', quantity: 2 },
        { lineId: 'l2', sku: 'MUG-01', quantity: 1 },
      ]),
    ).toBe('2 × TEE-RED-M, 1 × MUG-01');
  });
});

describe("an order's fulfilment parts", () => {
  it('says which rule chose the locations, or that the channel default did, and how the order may split', () => {
    const decision = {
      ruleId: 'pickup-at-store',
      ruleVersion: 3,
      deliveryMethod: 'pickup' as const,
      candidates: ['store-042'],
      shipComplete: true,
      maxParts: 1,
      reason: 'pickup at the chosen store',
    };

    expect(sourcingSummary(decision)).toBe(
      'Rule pickup-at-store (version 3) chose, for pickup in store: ship complete from one location.',
    );
    expect(
      sourcingSummary({
        ...decision,
        ruleId: 'channel-default',
        ruleVersion: 0,
        deliveryMethod: 'ship',
        shipComplete: false,
        maxParts: 2,
      }),
    ).toBe("No rule matched: the channel's default ranking chose, for ship: split over at most 2 locations.");
  });

  it('lists first attempts before re-sourced parts, and links a store part to its tasks', () => {
    const requests = [
      task('ord_1.store-050.2', { locationId: 'store-050', attempt: 2, createdAt: '2026-12-06T11:40:00Z' }),
      task('ord_1.wh-east.1', { locationId: 'wh-east', locationKind: 'warehouse', route: 'warehouse' }),
      task('ord_1.store-042.1', { status: 'rejected' }),
    ];

    expect(requestsInOrder(requests).map((request) => request.requestId)).toEqual([
      'ord_1.store-042.1',
      'ord_1.wh-east.1',
      'ord_1.store-050.2',
    ]);
    expect(locationHash(requests[0] as FulfilmentRequest)).toBe('#/store-tasks/store-050');
    expect(locationHash(requests[1] as FulfilmentRequest)).toBeUndefined();
  });

  it("lists a request's moves oldest first, in words", () => {
    const request = task('a', {
      history: [
        {
          at: '2026-12-06T11:10:00Z',
          from: 'accepted',
          to: 'rejected',
          by: 'console:dev-operator',
          reason: 'shelf empty',
        },
        { at: '2026-12-06T11:00:00Z', from: 'open', to: 'accepted', by: 'console:dev-operator' },
      ],
    });

    expect(historyEntries(request)).toEqual([
      { at: '2026-12-06T11:00:00Z', move: 'open → accepted', by: 'console:dev-operator' },
      { at: '2026-12-06T11:10:00Z', move: 'accepted → rejected', by: 'console:dev-operator', reason: 'shelf empty' },
    ]);
  });
});
