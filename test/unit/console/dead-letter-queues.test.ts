import { SalesChannel } from '#domain/kernel/order';
import { CHANNELS } from '../../../console/src/view/channels';
import {
  confirmLabel,
  describeFilters,
  filterQuery,
  filtersFrom,
  type HeldMessage,
  messageKind,
  orderIdOf,
  outcomeSummary,
  previewSummary,
  processedLabel,
  type Redrive,
  sortQueues,
  totalHeld,
} from '../../../console/src/view/dead-letter-queues';

const held = (overrides: Partial<HeldMessage> = {}): HeldMessage => ({
  messageId: 'm-1',
  sentAt: '2026-12-06T11:00:00.000Z',
  receiveCount: 6,
  detailType: 'OrderReceived',
  schemaVersion: 1,
  correlationId: 'ord_abc',
  businessKey: 'ord_abc#2026-12-06T10:00:00Z#received',
  processed: 'NOT_FOUND',
  whyHeld: 'its consumer failed',
  ...overrides,
});

const redrive = (overrides: Partial<Redrive> = {}): Redrive => ({
  rule: 'order-intake',
  dryRun: true,
  by: 'console:dev-operator',
  examined: 3,
  more: false,
  messages: [held()],
  moved: 0,
  kept: 3,
  ...overrides,
});

describe('the dead-letter queues list', () => {
  it('puts the queues holding messages first, the fullest first, then the empty ones by name', () => {
    const sorted = sortQueues([
      { rule: 'pos-stock-movements', depth: 0 },
      { rule: 'order-intake', depth: 2, oldestAgeSeconds: 30 },
      { rule: 'exceptions', depth: 0 },
      { rule: 'erp-journal-posting', depth: 9, oldestAgeSeconds: 600 },
    ]);

    expect(sorted.map((queue) => queue.rule)).toEqual([
      'erp-journal-posting',
      'order-intake',
      'exceptions',
      'pos-stock-movements',
    ]);
  });

  it('counts every held message', () => {
    expect(
      totalHeld([
        { rule: 'a', depth: 2 },
        { rule: 'b', depth: 0 },
        { rule: 'c', depth: 5 },
      ]),
    ).toBe(7);
  });
});

describe('the held-message filters', () => {
  it('reads the filters from the address, leaving out empty ones', () => {
    expect(filtersFrom(new URLSearchParams('channel=shopify&orderId=%20&sku=SKU-1&other=x'))).toEqual({
      channel: 'shopify',
      sku: 'SKU-1',
    });
  });

  it('writes only the filters that are set, for the API and the address', () => {
    expect(filterQuery({ orderId: 'ord_1', sku: undefined })).toEqual({ orderId: 'ord_1' });
  });

  it('says which messages the filters select', () => {
    expect(describeFilters({})).toBe('every held message');
    expect(describeFilters({ channel: 'amazon', orderId: 'ord_1' })).toBe('channel amazon, order ord_1');
  });

  it('offers exactly the channels the API accepts', () => {
    expect([...CHANNELS].sort()).toEqual([...SalesChannel.options].sort());
  });
});

describe('a held message', () => {
  it('warns before a redrive that an already processed message changes nothing', () => {
    expect(processedLabel('COMPLETED')).toBe('Already processed: a redrive changes nothing');
    expect(processedLabel('NOT_FOUND')).toBe('Not processed');
    expect(processedLabel(undefined)).toBe('Not tracked');
  });

  it('names its event and version, or says it is not a fabric event', () => {
    expect(messageKind(held({ schemaVersion: 2 }))).toBe('OrderReceived v2');
    expect(messageKind(held({ detailType: undefined, body: '{"not":"an event"}' }))).toBe('Not a fabric event');
  });

  it('links to its order only when its correlation id is an order id', () => {
    expect(orderIdOf(held())).toBe('ord_abc');
    expect(orderIdOf(held({ correlationId: 'sku:SKU-1' }))).toBeUndefined();
  });
});

describe('the redrive preview and outcome', () => {
  it('says how many would move, how many of those were already processed and how many stay held', () => {
    const preview = redrive({
      examined: 4,
      messages: [held(), held({ messageId: 'm-2', processed: 'COMPLETED' })],
    });

    expect(previewSummary(preview)).toBe(
      'Would move 2 messages of 4 held back to order-intake. 1 of them was already processed: a redrive changes nothing for it. 2 messages not matching the filters stay held.',
    );
    expect(confirmLabel(preview)).toBe('Redrive 2 messages');
  });

  it('says when the queue held more than one request examines', () => {
    expect(previewSummary(redrive({ examined: 1, more: true }))).toContain('run it again for the rest');
  });

  it('names one message in the singular on the confirm button', () => {
    expect(confirmLabel(redrive())).toBe('Redrive 1 message');
  });

  it('says what a redrive moved and who did it', () => {
    expect(outcomeSummary(redrive({ dryRun: false, moved: 1, kept: 2 }))).toBe(
      'Moved 1 message back to order-intake; 2 messages left held, as console:dev-operator.',
    );
  });

  it('says when a whole-queue redrive started an SQS move task instead', () => {
    expect(outcomeSummary(redrive({ dryRun: false, moved: 40, kept: 0, moveTask: { handle: 'task-1' } }))).toBe(
      'Started moving 40 messages back to order-intake (SQS move task task-1), as console:dev-operator.',
    );
  });
});
