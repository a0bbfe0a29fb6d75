import { useState } from 'preact/hooks';
import { apiGet, segment } from '../api';
import { ErrorNote, Money, PageHeading, type PageProps, usePolled } from '../components';
import type { Session } from '../session';
import { formatTime } from '../view/format';
import {
  erpDocumentState,
  lifecycleEntries,
  lineSku,
  type OrderDetail,
  type OrderLine,
  type OrdersWithSku,
  type OrderTrace,
  orderHeader,
  orderWanted,
  PAGE,
  type SearchForm,
  searchDestination,
  stateLabel,
  timeline,
} from '../view/orders';
import { CHANNELS } from '../view/channels';
import { plural } from '../view/dead-letter-queues';
import { routeHash } from '../view/route';
import {
  attemptLabel,
  historyEntries,
  linesLabel,
  locationHash,
  methodLabel,
  type OrderFulfilmentAnswer,
  requestsInOrder,
  routeLabel,
  sourcingSummary,
  statusLabel as requestStatusLabel,
} from '../view/store-tasks';

/** Ids of any length stay inside the page at tablet width. */
/** The newest orders a SKU search lists. */
const SKU_SEARCH_LIMIT = 50;

export function OrdersPage({ session, path, query, navigate }: PageProps) {
  const wanted = orderWanted(path);
  if (wanted) return <OrderView session={session} wanted={wanted} />;
  const sku = query.get('sku') ?? '';
  return (
    <>
      <PageHeading title="Orders" />
      <p>Find an order by the fabric's order id, by the channel's own order id, or list the orders that carry a SKU.</p>
      <Search navigate={navigate} sku={sku} key={sku} />
      {sku && <OrdersCarrying session={session} sku={sku} />}
    </>
  );
}

const EMPTY_FORM: SearchForm = { by: 'order', orderId: '', channel: CHANNELS[0], channelOrderId: '', sku: '' };

function Search({ navigate, sku }: { navigate(to: string): void; sku: string }) {
  const [form, setForm] = useState<SearchForm>({ ...EMPTY_FORM, sku });
  const [problem, setProblem] = useState<{ field: keyof SearchForm; problem: string } | undefined>(undefined);
  const set = (field: keyof SearchForm) => (event: { currentTarget: { value: string } }) =>
    setForm({ ...form, [field]: event.currentTarget.value });
  const find = (by: SearchForm['by']) => (event: Event) => {
    event.preventDefault();
    const destination = searchDestination({ ...form, by });
    if ('problem' in destination) return setProblem(destination);
    setProblem(undefined);
    navigate(destination.hash);
  };
  const note = (field: keyof SearchForm) =>
    problem?.field === field ? <small id={`${field}-problem`}>{problem.problem}</small> : null;
  const invalid = (field: keyof SearchForm) =>
    problem?.field === field ? { 'aria-invalid': true, 'aria-describedby': `${field}-problem` } : {};
  return (
    <div class="grid">
      <form aria-label="Find an order by its id" onSubmit={find('order')}>
        <label for="orderId">Order id</label>
        <input id="orderId" value={form.orderId} onInput={set('orderId')} placeholder="ord_…" {...invalid('orderId')} />
        {note('orderId')}
        <button type="submit">Open order</button>
      </form>
      <form aria-label="Find an order by the channel's order id" onSubmit={find('channel')}>
        <label for="channel">Channel</label>
        <select id="channel" value={form.channel} onChange={set('channel')} {...invalid('channel')}>
          {CHANNELS.map((channel) => (
            <option key={channel} value={channel}>
              {channel}
            </option>
          ))}
        </select>
        {note('channel')}
        <label for="channelOrderId">Channel order id</label>
        <input
          id="channelOrderId"
          value={form.channelOrderId}
          onInput={set('channelOrderId')}
          {...invalid('channelOrderId')}
        />
        {note('channelOrderId')}
        <button type="submit">Find channel order</button>
      </form>
      <form aria-label="Find the orders that carry a SKU" onSubmit={find('sku')}>
        <label for="sku">SKU</label>
        <input id="sku" value={form.sku} onInput={set('sku')} {...invalid('sku')} />
        {note('sku')}
        <button type="submit">Find orders with SKU</button>
      </form>
    </div>
  );
}

function OrdersCarrying({ session, sku }: { session: Session; sku: string }) {
  const polled = usePolled(() => apiGet<OrdersWithSku>(session, '/orders', { sku, limit: SKU_SEARCH_LIMIT }), [sku]);
  const found = polled.data;
  return (
    <section aria-labelledby="with-sku">
      <h2 id="with-sku" class="wrap-anywhere">
        Orders with SKU {sku}
      </h2>
      <ErrorNote error={polled.error} />
      {found && found.orders.length === 0 && <p>No order recorded with this SKU.</p>}
      {found && found.orders.length > 0 && (
        <>
          {found.more && <p>More orders carry this SKU: the newest {found.orders.length} are listed.</p>}
          <div class="table-scroll">
            <table class="striped">
              <caption>Orders carrying {sku}, newest placed first</caption>
              <thead>
                <tr>
                  <th scope="col">Order</th>
                  <th scope="col">Channel</th>
                  <th scope="col">Placed</th>
                  <th scope="col">Status</th>
                  <th scope="col" class="number">
                    Units
                  </th>
                  <th scope="col" class="number">
                    Total
                  </th>
                </tr>
              </thead>
              <tbody>
                {found.orders.map((order) => (
                  <tr key={order.orderId}>
                    <th scope="row" class="wrap-anywhere">
                      <a href={routeHash(PAGE, [order.orderId])}>{order.orderId}</a>
                    </th>
                    <td>
                      {order.channel} {order.channelOrderNumber ?? order.channelOrderId}
                    </td>
                    <td>{formatTime(order.placedAt)}</td>
                    <td>{stateLabel(order.status)}</td>
                    <td class="number">{order.quantity}</td>
                    <td class="number">
                      <Money value={order.total} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

function OrderView({ session, wanted }: { session: Session; wanted: NonNullable<ReturnType<typeof orderWanted>> }) {
  const apiPath =
    'orderId' in wanted
      ? `/orders/${segment(wanted.orderId)}`
      : `/orders/by-channel/${segment(wanted.channel)}/${segment(wanted.channelOrderId)}`;
  const polled = usePolled(() => apiGet<OrderDetail>(session, apiPath), [apiPath]);
  const detail = polled.data;
  const header = detail && orderHeader(detail);
  return (
    <>
      <PageHeading title={header ? `Order ${header.channel} ${header.channelOrder}` : 'Order'} polled={polled} />
      <p>
        <a href={routeHash(PAGE)}>Search orders</a>
      </p>
      <ErrorNote error={polled.error} />
      {detail && header && (
        <>
          <dl class="grid wrap-anywhere">
            <div>
              <dt>Status</dt>
              <dd>
                <strong>{header.status}</strong>
                {header.channelStatus && <> (channel: {header.channelStatus})</>}
              </dd>
            </div>
            <div>
              <dt>Total</dt>
              <dd>{header.total ? <Money value={header.total} /> : '-'}</dd>
            </div>
            <div>
              <dt>Placed</dt>
              <dd>{header.placedAt ? formatTime(header.placedAt) : '-'}</dd>
            </div>
            <div>
              <dt>Order id</dt>
              <dd>
                <code>{detail.orderId}</code>
              </dd>
            </div>
          </dl>
          {detail.held && <Held held={detail.held} />}
          {/* What the order is beside how it got there: on a laptop both are on the first screen. */}
          <div class="grid">
            <div>
              {detail.order && <Lines lines={detail.order.lines} />}
              <Reservation detail={detail} />
              <ErpDocuments detail={detail} />
            </div>
            <Timeline session={session} orderId={detail.orderId} />
          </div>
          <Fulfilment session={session} orderId={detail.orderId} />
          {detail.lifecycle && <Lifecycle lifecycle={detail.lifecycle} />}
          <History history={detail.history} />
        </>
      )}
    </>
  );
}

function Held({ held }: { held: NonNullable<OrderDetail['held']> }) {
  return (
    <section aria-labelledby="held">
      <h2 id="held">Held</h2>
      <p class="wrap-anywhere">
        Held since {formatTime(held.heldAt)}: {held.reason}
        {held.archiveKey && (
          <>
            {' '}
            (archived as <code>{held.archiveKey}</code>)
          </>
        )}
        . Its exception, under <a href={routeHash('exceptions')}>Exceptions</a>, says how to fix it.
      </p>
      <ul>
        {held.details.map((issue) => (
          <li key={issue.path} class="wrap-anywhere">
            <code>{issue.path}</code>: {issue.message}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Lines({ lines }: { lines: readonly OrderLine[] }) {
  return (
    <div class="table-scroll">
      <table class="striped">
        <caption>Lines</caption>
        <thead>
          <tr>
            <th scope="col" class="number">
              Qty
            </th>
            <th scope="col">SKU</th>
            <th scope="col">Title</th>
            <th scope="col" class="number">
              Unit price
            </th>
          </tr>
        </thead>
        <tbody>
          {lines.map((line) => {
            const sku = lineSku(line);
            return (
              <tr key={line.lineId}>
                <td class="number">{line.quantity}</td>
                <th scope="row" class="wrap-anywhere">
                  {sku.unmapped ? <mark>{sku.text}</mark> : sku.text}
                </th>
                <td>{line.title ?? '-'}</td>
                <td class="number">
                  <Money value={line.unitPrice} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function Reservation({ detail }: { detail: OrderDetail }) {
  const { reservation } = detail;
  return (
    <section aria-labelledby="reservation">
      <h2 id="reservation">Stock reserved</h2>
      {!reservation ? (
        <p>No stock is reserved for this order.</p>
      ) : (
        <>
          <p>
            Reservation <strong>{stateLabel(reservation.status)}</strong>
            {reservation.expiresAt && <>, held until {formatTime(reservation.expiresAt)}</>}.
          </p>
          <div class="table-scroll">
            <table>
              <caption>Units per line and location</caption>
              <thead>
                <tr>
                  <th scope="col">SKU</th>
                  <th scope="col">Location</th>
                  <th scope="col" class="number">
                    Qty
                  </th>
                  <th scope="col" class="number">
                    Consumed
                  </th>
                  <th scope="col">State</th>
                </tr>
              </thead>
              <tbody>
                {reservation.units.map((units) => (
                  <tr key={`${units.lineId} ${units.sku} ${units.locationId} ${units.state}`}>
                    <th scope="row" class="wrap-anywhere">
                      {units.sku}
                    </th>
                    <td>{units.locationId}</td>
                    <td class="number">{units.quantity}</td>
                    <td class="number">{units.consumed}</td>
                    <td>{units.state}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

function ErpDocuments({ detail }: { detail: OrderDetail }) {
  return (
    <section aria-labelledby="erp-documents">
      <h2 id="erp-documents">ERP documents</h2>
      {detail.erpDocuments.length === 0 ? (
        <p>Nothing sent to the ERP for this order yet.</p>
      ) : (
        <ul>
          {detail.erpDocuments.map((document) => (
            <li key={`${document.erp} ${document.documentType}`} class="wrap-anywhere">
              {document.erp} {stateLabel(document.documentType)}: <strong>{erpDocumentState(document)}</strong>
              {document.recordedAt && <> on {formatTime(document.recordedAt)}</>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Lifecycle({ lifecycle }: { lifecycle: NonNullable<OrderDetail['lifecycle']> }) {
  return (
    <section aria-labelledby="lifecycle">
      <h2 id="lifecycle">Lifecycle</h2>
      <p>
        Now <strong>{stateLabel(lifecycle.state)}</strong> (version {lifecycle.version}).
      </p>
      <div class="table-scroll">
        <table>
          <caption>Lifecycle moves, oldest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Move</th>
              <th scope="col">On</th>
            </tr>
          </thead>
          <tbody>
            {lifecycleEntries(lifecycle).map((entry) => (
              <tr key={`${entry.at} ${entry.on} ${entry.to}`}>
                <td>{formatTime(entry.at)}</td>
                <th scope="row">
                  {entry.refused ? 'Refused: ' : ''}
                  {stateLabel(entry.from)} → {stateLabel(entry.to)}
                </th>
                <td>
                  {stateLabel(entry.on)}
                  {entry.refused && <>: {entry.refused}</>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function History({ history }: { history: OrderDetail['history'] }) {
  return (
    <section aria-labelledby="history">
      <h2 id="history">State history</h2>
      <div class="table-scroll">
        <table>
          <caption>Each version of the order the channel sent, oldest first</caption>
          <thead>
            <tr>
              <th scope="col">Recorded</th>
              <th scope="col">Change</th>
              <th scope="col">Channel status</th>
              <th scope="col">Channel version</th>
              <th scope="col">Delivery</th>
            </tr>
          </thead>
          <tbody>
            {history.map((entry) => (
              <tr key={`${entry.recordedAt} ${entry.deliveryId} ${entry.change}`}>
                <td>{formatTime(entry.recordedAt)}</td>
                <th scope="row">{stateLabel(entry.change)}</th>
                <td>{stateLabel(entry.status)}</td>
                <td>{formatTime(entry.channelUpdatedAt)}</td>
                <td class="wrap-anywhere">
                  <code>{entry.deliveryId}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** Where the order's parts were sent: the sourcing rule's choice, then each request to a store, 3PL or warehouse. */
function Fulfilment({ session, orderId }: { session: Session; orderId: string }) {
  const polled = usePolled(
    () => apiGet<OrderFulfilmentAnswer>(session, `/orders/${segment(orderId)}/fulfilment`),
    [orderId],
  );
  const answer = polled.data;
  const requests = answer ? requestsInOrder(answer.requests) : [];
  return (
    <section aria-labelledby="fulfilment">
      <h2 id="fulfilment">Fulfilment</h2>
      <ErrorNote error={polled.error} />
      {answer?.sourcing && (
        <>
          <p>{sourcingSummary(answer.sourcing)}</p>
          <p class="wrap-anywhere">
            <small>{answer.sourcing.reason}</small>
          </p>
          <p class="wrap-anywhere">
            Candidates, best first:{' '}
            {answer.sourcing.candidates.map((candidate, i) => (
              <span key={candidate}>
                {i > 0 && ', '}
                <code>{candidate}</code>
              </span>
            ))}
            .
          </p>
        </>
      )}
      {answer && requests.length === 0 && <p>No part of this order has been sent to a location yet.</p>}
      {requests.length > 0 && (
        <div class="table-scroll">
          <table class="striped">
            <caption>The order's parts, each sent to one location, first attempts first</caption>
            <thead>
              <tr>
                <th scope="col">Location</th>
                <th scope="col">Route</th>
                <th scope="col">Lines</th>
                <th scope="col">Status</th>
                <th scope="col">Attempt</th>
                <th scope="col">History</th>
              </tr>
            </thead>
            <tbody>
              {requests.map((request) => {
                const store = locationHash(request);
                return (
                  <tr key={request.requestId}>
                    <th scope="row" class="wrap-anywhere">
                      {store ? <a href={store}>{request.locationId}</a> : request.locationId}
                      <br />
                      <small>{methodLabel(request.method)}</small>
                    </th>
                    <td>
                      {routeLabel(request.route)}
                      {request.providerOrderId && (
                        <>
                          <br />
                          <small class="wrap-anywhere">{request.providerOrderId}</small>
                        </>
                      )}
                    </td>
                    <td class="wrap-anywhere">{linesLabel(request.lines)}</td>
                    <td>
                      <strong>{requestStatusLabel(request.status)}</strong>
                      {request.rejectReason && <>: {request.rejectReason}</>}
                    </td>
                    <td>{attemptLabel(request.attempt)}</td>
                    <td>
                      <details>
                        <summary>{plural(request.history.length, 'move')}</summary>
                        <ol>
                          {historyEntries(request).map((entry) => (
                            <li key={`${entry.at} ${entry.move}`} class="wrap-anywhere">
                              <time dateTime={entry.at}>{formatTime(entry.at)}</time> {entry.move} by {entry.by}
                              {entry.reason && <>: {entry.reason}</>}
                            </li>
                          ))}
                        </ol>
                      </details>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Timeline({ session, orderId }: { session: Session; orderId: string }) {
  const polled = usePolled(() => apiGet<OrderTrace>(session, `/orders/${segment(orderId)}/trace`), [orderId]);
  return (
    <section aria-labelledby="trace">
      <h2 id="trace">Trace</h2>
      <p>Every step the order took through the fabric: each event at each queue, its outcome and how long it waited.</p>
      <ErrorNote error={polled.error} />
      {polled.data && (
        <ol aria-label="The order's trace, oldest first">
          {timeline(polled.data).map((step, i) => (
            <li key={`${i} ${step.at}`} class="wrap-anywhere">
              <time dateTime={step.at} title={formatTime(step.at)}>
                {step.offset}
              </time>{' '}
              {step.failed ? <strong>Failed: {step.what}</strong> : step.what}
              {step.gap && <small> ({step.gap} after the step before)</small>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
