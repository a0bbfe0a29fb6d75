import { apiGet, segment } from '../api';
import { ErrorNote, Money, PageHeading, type PageProps, usePolled } from '../components';
import type { MoneyFigure } from '../view/format';
import type { Session } from '../session';
import { formatTime } from '../view/format';
import { routeHash } from '../view/route';
import {
  differences,
  MATCH_STATUSES,
  type MatchStatus,
  needsAttention,
  ordersWithStatus,
  periodLabel,
  reasonLabel,
  reportDate,
  type SettlementDetail,
  type SettlementSummary,
  statusFilter,
  statusLabel,
} from '../view/settlements';

const PAGE = 'settlements';
/** Settlements arrive a few times a month per marketplace: a minute between reads is plenty. */
const SETTLEMENTS_REFRESH_MS = 60_000;

export function SettlementsPage({ session, path, query, navigate }: PageProps) {
  const [settlementId] = path;
  if (!settlementId) return <SettlementList session={session} />;
  const status = statusFilter(query.get('status'));
  const show = (next: MatchStatus | 'all') =>
    navigate(routeHash(PAGE, [settlementId], next === 'all' ? undefined : { status: next }));
  return <SettlementView session={session} settlementId={settlementId} status={status} show={show} />;
}

function SettlementList({ session }: { session: Session }) {
  const polled = usePolled(
    () => apiGet<{ settlements: SettlementSummary[] }>(session, '/settlements'),
    [],
    SETTLEMENTS_REFRESH_MS,
  );
  const settlements = polled.data?.settlements;
  return (
    <>
      <PageHeading title="Settlements" polled={polled} />
      <p>
        Marketplace settlements as reconciled against the orders: what matched, what differed from the order or the fee
        schedule, and what names no order the fabric knows.
      </p>
      <ErrorNote error={polled.error} />
      {settlements && settlements.length === 0 && <p>No settlement report has been reconciled yet.</p>}
      {settlements && settlements.length > 0 && (
        <div class="table-scroll">
          <table class="striped">
            <caption>Reconciled settlements, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Settlement</th>
                <th scope="col">Channel</th>
                <th scope="col">Period</th>
                <th scope="col" class="number">
                  Total
                </th>
                <th scope="col" class="number">
                  Matched
                </th>
                <th scope="col" class="number">
                  Variance
                </th>
                <th scope="col" class="number">
                  Unmatched
                </th>
                <th scope="col">Reconciled</th>
              </tr>
            </thead>
            <tbody>
              {settlements.map((settlement) => (
                <tr key={settlement.settlementId}>
                  <th scope="row" class="wrap-anywhere">
                    <a href={routeHash(PAGE, [settlement.settlementId])}>{settlement.settlementId}</a>
                    {needsAttention(settlement) && (
                      <>
                        {' '}
                        <strong>needs a look</strong>
                      </>
                    )}
                  </th>
                  <td>{settlement.channel}</td>
                  <td>{periodLabel(settlement)}</td>
                  <td class="number">
                    <Money value={settlement.totalAmount} />
                  </td>
                  <td class="number">
                    {settlement.counts.matched} · <Money value={settlement.amounts.matched} />
                  </td>
                  <td class="number">
                    {settlement.counts.variance} · <Money value={settlement.amounts.variance} />
                    <br />
                    <small>
                      net <Money value={settlement.amounts.netVariance} />
                    </small>
                  </td>
                  <td class="number">
                    {settlement.counts.unmatched} · <Money value={settlement.amounts.unmatched} />
                  </td>
                  <td>{formatTime(settlement.reconciledAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function SettlementView({
  session,
  settlementId,
  status,
  show,
}: {
  session: Session;
  settlementId: string;
  status: MatchStatus | 'all';
  show(status: MatchStatus | 'all'): void;
}) {
  const polled = usePolled(
    () => apiGet<SettlementDetail>(session, `/settlements/${segment(settlementId)}`),
    [settlementId],
    SETTLEMENTS_REFRESH_MS,
  );
  const detail = polled.data;
  const settlement = detail?.settlement;
  return (
    <>
      <PageHeading
        title={settlement ? `${settlement.channel} settlement ${settlementId}` : `Settlement ${settlementId}`}
        polled={polled}
      />
      <p>
        <a href={routeHash(PAGE)}>All settlements</a>
      </p>
      <ErrorNote error={polled.error} />
      {detail && settlement && (
        <>
          <dl class="grid">
            <div>
              <dt>Period</dt>
              <dd>{periodLabel(settlement)}</dd>
            </div>
            <div>
              <dt>Deposit</dt>
              <dd>
                {settlement.depositDate ? reportDate(settlement.depositDate) : '-'} ·{' '}
                <Money value={settlement.totalAmount} />
              </dd>
            </div>
            <div>
              <dt>Orders</dt>
              <dd>
                {settlement.counts.orders} in {settlement.counts.lines} lines; {settlement.counts.accountLines}{' '}
                account-level lines
              </dd>
            </div>
            <div>
              <dt>Reconciled</dt>
              <dd>{formatTime(settlement.reconciledAt)}</dd>
            </div>
          </dl>
          <dl class="grid">
            <div>
              <dt>Matched</dt>
              <dd>
                {settlement.counts.matched} orders, <Money value={settlement.amounts.matched} />
              </dd>
            </div>
            <div>
              <dt>With a variance</dt>
              <dd>
                {settlement.counts.variance} orders, <Money value={settlement.amounts.variance} /> (net{' '}
                <Money value={settlement.amounts.netVariance} />)
              </dd>
            </div>
            <div>
              <dt>Unmatched</dt>
              <dd>
                {settlement.counts.unmatched} orders, <Money value={settlement.amounts.unmatched} />
              </dd>
            </div>
          </dl>
          <p>
            <small class="wrap-anywhere">
              Read from <code>{settlement.source}</code>; fee entries {settlement.feeEntryIds.join(', ') || 'none'}.
            </small>
          </p>
          <Orders detail={detail} status={status} show={show} />
        </>
      )}
    </>
  );
}

function Orders({
  detail,
  status,
  show,
}: {
  detail: SettlementDetail;
  status: MatchStatus | 'all';
  show(status: MatchStatus | 'all'): void;
}) {
  const orders = ordersWithStatus(detail.orders, status);
  return (
    <section aria-labelledby="orders">
      <h2 id="orders">Orders</h2>
      <label for="status-filter">Show orders</label>
      <select id="status-filter" value={status} onChange={(event) => show(statusFilter(event.currentTarget.value))}>
        <option value="all">All</option>
        {MATCH_STATUSES.map((each) => (
          <option key={each} value={each}>
            {statusLabel(each)}
          </option>
        ))}
      </select>
      {orders.length === 0 && (
        <p>
          {status === 'all'
            ? 'This settlement names no order.'
            : `No ${statusLabel(status).toLowerCase()} order in this settlement.`}
        </p>
      )}
      {orders.length > 0 && (
        <div class="table-scroll">
          <table class="striped">
            <caption>The settlement's orders, unmatched first, then variances, then matched</caption>
            <thead>
              <tr>
                <th scope="col">Channel order</th>
                <th scope="col">Status</th>
                <th scope="col" class="number">
                  Charges
                </th>
                <th scope="col" class="number">
                  Expected
                </th>
                <th scope="col" class="number">
                  Fees
                </th>
                <th scope="col" class="number">
                  Expected fees
                </th>
                <th scope="col" class="number">
                  Refunds
                </th>
                <th scope="col">Why</th>
                <th scope="col">Report lines</th>
              </tr>
            </thead>
            <tbody>
              {orders.map((order) => (
                <tr key={order.channelOrderId}>
                  <th scope="row" class="wrap-anywhere">
                    {order.orderId ? (
                      <a href={routeHash('orders', [order.orderId])}>{order.channelOrderId}</a>
                    ) : (
                      order.channelOrderId
                    )}
                  </th>
                  <td>
                    {order.status === 'matched' ? (
                      statusLabel(order.status)
                    ) : (
                      <strong>{statusLabel(order.status)}</strong>
                    )}
                  </td>
                  <td class="number">
                    <Money value={order.charges} />
                  </td>
                  <td class="number">
                    <Money value={order.expectedCharges} />
                    <OffBy value={differences(order).charges} />
                  </td>
                  <td class="number">
                    <Money value={order.fees} />
                  </td>
                  <td class="number">
                    <Money value={order.expectedFees} />
                    <OffBy value={differences(order).fees} />
                  </td>
                  <td class="number">
                    <Money value={order.refunds} />
                  </td>
                  <td>{order.reasons.map(reasonLabel).join(', ') || '-'}</td>
                  <td>{order.lineNumbers.join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** How far a figure is from what was expected, under it, when it is off at all. */
function OffBy({ value }: { value: MoneyFigure | undefined }) {
  if (!value) return null;
  return (
    <>
      <br />
      <small>
        off by <Money value={value} />
      </small>
    </>
  );
}
