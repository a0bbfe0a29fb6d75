import { apiGet } from '../api';
import { ErrorNote, PageHeading, type PageProps, usePolled } from '../components';
import type { DeadLetterQueueDepth, DeadLetterQueuesAnswer } from '../view/dead-letter-queues';
import {
  breakerLabel,
  breakersOrClosed,
  documentLabel,
  type ErpStatus,
  erpDeadLetters,
  heldLabel,
  waitingLabel,
} from '../view/erp';
import { formatAge, formatTime } from '../view/format';
import { routeHash } from '../view/route';

export function ErpPage({ session }: PageProps) {
  const polled = usePolled(() => apiGet<ErpStatus>(session, '/erp/status'), []);
  // What the ERP queues hold comes from the dead-letter queue route, as the DLQ page reads it.
  const held = usePolled(() => apiGet<DeadLetterQueuesAnswer>(session, '/dead-letter-queues'), []);
  const status = polled.data;
  const breakers = status && breakersOrClosed(status.breakers);
  return (
    <>
      <PageHeading title="ERP" polled={polled} />
      <p>
        The connector that posts sales orders and journal entries to the ERP: its circuit breaker, the reserved orders
        not posted yet, and the documents the ERP refused.
      </p>
      <ErrorNote error={polled.error} />
      {status && breakers && (
        <>
          <section aria-labelledby="breaker">
            <h2 id="breaker">Circuit breaker</h2>
            {breakers === 'never tripped' ? (
              <p>Closed: no ERP call has failed since the fabric started counting.</p>
            ) : (
              <ul>
                {breakers.map((breaker) => {
                  const label = breakerLabel(breaker);
                  return (
                    <li key={breaker.name}>
                      {breaker.name}: {label.tripped ? <strong>{label.text}</strong> : label.text}
                      <br />
                      <small>since {formatTime(breaker.since)}</small>
                    </li>
                  );
                })}
              </ul>
            )}
          </section>
          <section aria-labelledby="waiting">
            <h2 id="waiting">Postings waiting</h2>
            <HeldInDeadLetters queues={held.data?.queues} error={held.error} />
            {status.salesOrdersWaiting.length === 0 ? (
              <p>Every reserved order has its sales order in the ERP.</p>
            ) : (
              <div class="table-scroll">
                <table class="striped">
                  <caption>Reserved orders whose sales order is not in the ERP yet, stuck ones first</caption>
                  <thead>
                    <tr>
                      <th scope="col">Order</th>
                      <th scope="col">Waiting</th>
                      <th scope="col">Deadline</th>
                    </tr>
                  </thead>
                  <tbody>
                    {status.salesOrdersWaiting.map((order) => (
                      <tr key={order.orderId}>
                        <th scope="row" class="wrap-anywhere">
                          <a href={routeHash('orders', [order.orderId])}>{order.orderId}</a>
                        </th>
                        <td>{order.stuck ? <strong>{waitingLabel(order)}</strong> : waitingLabel(order)}</td>
                        <td>{order.deadline ? formatTime(order.deadline) : '-'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
          <section aria-labelledby="rejections">
            <h2 id="rejections">Rejections</h2>
            {status.rejections.length === 0 ? (
              <p>The ERP has refused no document that is still open.</p>
            ) : (
              <div class="table-scroll">
                <table class="striped">
                  <caption>Documents the ERP refused, open in the exceptions work queue</caption>
                  <thead>
                    <tr>
                      <th scope="col">Document</th>
                      <th scope="col">ERP code</th>
                      <th scope="col">What the ERP said</th>
                      <th scope="col" class="number">
                        Times
                      </th>
                      <th scope="col">Last refused</th>
                    </tr>
                  </thead>
                  <tbody>
                    {status.rejections.map((rejection) => (
                      <tr key={rejection.exceptionId}>
                        <th scope="row" class="wrap-anywhere">
                          <a href={routeHash('exceptions', [rejection.exceptionId])}>{documentLabel(rejection)}</a>
                          {rejection.orderId && (
                            <>
                              <br />
                              <small>
                                order <a href={routeHash('orders', [rejection.orderId])}>{rejection.orderId}</a>
                              </small>
                            </>
                          )}
                        </th>
                        <td>
                          <code>{rejection.erpCode}</code>
                        </td>
                        <td class="wrap-anywhere">{rejection.reason}</td>
                        <td class="number">{rejection.count}</td>
                        <td>{formatAge(rejection.lastSeenAt)} ago</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </>
      )}
    </>
  );
}

/** The ERP queues' DLQs: postings that gave up after every retry, to redrive from the DLQ page. */
function HeldInDeadLetters({ queues, error }: { queues: DeadLetterQueueDepth[] | undefined; error: unknown }) {
  if (error)
    return (
      <>
        <p>What the ERP queues' DLQs hold could not be read:</p>
        <ErrorNote error={error} />
      </>
    );
  if (!queues) return null;
  const erpQueues = erpDeadLetters(queues);
  if (erpQueues.length === 0) return null;
  return (
    <ul>
      {erpQueues.map((queue) => {
        const label = heldLabel(queue);
        return (
          <li key={queue.rule}>
            <a href={routeHash('dead-letter-queues', [queue.rule])}>{queue.rule}</a>:{' '}
            {label.held ? <strong>{label.text}</strong> : label.text}
          </li>
        );
      })}
    </ul>
  );
}
