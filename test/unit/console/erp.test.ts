import {
  breakerLabel,
  breakersOrClosed,
  documentLabel,
  erpDeadLetters,
  heldLabel,
  waitingLabel,
} from '../../../console/src/view/erp';

const now = new Date('2026-12-06T12:00:00Z');

describe('the ERP page', () => {
  it('says what the breaker does in each state, for how long, and counts failures in a row', () => {
    expect(
      breakerLabel(
        { name: 'business-central', status: 'open', consecutiveFailures: 5, since: '2026-12-06T11:58:00Z' },
        now,
      ),
    ).toEqual({ text: 'Open: calls wait for the ERP to recover (for 2 min, 5 failures in a row)', tripped: true });
    expect(
      breakerLabel(
        { name: 'business-central', status: 'closed', consecutiveFailures: 0, since: '2026-12-06T09:00:00Z' },
        now,
      ),
    ).toEqual({ text: 'Closed: calls go to the ERP (for 3 h 00 min, no failure counted)', tripped: false });
    expect(
      breakerLabel(
        { name: 'business-central', status: 'half_open', consecutiveFailures: 5, since: '2026-12-06T11:59:30Z' },
        now,
      ).text,
    ).toMatch(/^Half-open: one probe call decides/);
  });

  it('says a breaker never written is closed, rather than showing nothing', () => {
    expect(breakersOrClosed([])).toBe('never tripped');
  });

  it('words a refused document and a waiting order', () => {
    expect(documentLabel({ documentType: 'journal_entry', documentKey: 'sale:ord_1:SHP-1' })).toBe(
      'journal entry sale:ord_1:SHP-1',
    );
    expect(waitingLabel({ orderId: 'ord_1', reservedAt: '2026-12-06T11:40:00Z', stuck: false }, now)).toBe(
      'reserved 20 min ago',
    );
    expect(waitingLabel({ orderId: 'ord_2', stuck: true }, now)).toBe('stuck: past its deadline');
  });

  it("picks the ERP rules' DLQs out of every DLQ and says what they hold", () => {
    const queues = [
      { rule: 'order-intake', depth: 4 },
      { rule: 'erp-journal-posting', depth: 0 },
      { rule: 'erp-sales-order-posting', depth: 3, oldestAgeSeconds: 7500 },
    ];

    expect(erpDeadLetters(queues).map((queue) => queue.rule)).toEqual([
      'erp-sales-order-posting',
      'erp-journal-posting',
    ]);
    expect(heldLabel(queues[2])).toEqual({ text: '3 held in its DLQ, the oldest for 2 h 05 min', held: true });
    expect(heldLabel(queues[1])).toEqual({ text: 'nothing held in its DLQ', held: false });
  });
});
