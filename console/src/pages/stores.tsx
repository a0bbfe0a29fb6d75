import { apiGet, segment } from '../api';
import { ErrorNote, PageHeading, type PageProps, usePolled } from '../components';
import type { Session } from '../session';
import { formatTime } from '../view/format';
import { routeHash } from '../view/route';
import {
  byAttention,
  gapsLabel,
  quietCount,
  type StoreDetail,
  type StoresAnswer,
  type StoreUpload,
  storeHealth,
  uploadOutcome,
} from '../view/stores';

const PAGE = 'stores';
/** Store POS uploads land a few times a day at most: a minute between reads is plenty. */
const STORES_REFRESH_MS = 60_000;

export function StoresPage({ session, path }: PageProps) {
  const [storeId] = path;
  return storeId ? <StoreView session={session} storeId={storeId} /> : <StoreList session={session} />;
}

function StoreList({ session }: { session: Session }) {
  const polled = usePolled(() => apiGet<StoresAnswer>(session, '/stores'), [], STORES_REFRESH_MS);
  const answer = polled.data;
  const stores = answer && byAttention(answer.stores);
  return (
    <>
      <PageHeading title="Stores" polled={polled} />
      <p>
        Each store's last POS upload, what became of it, and the stores gone quiet
        {answer ? ` (no upload for more than ${answer.quietAfterHours} hours)` : ''}.
      </p>
      <ErrorNote error={polled.error} />
      {stores && stores.length === 0 && <p>No store has uploaded a batch yet.</p>}
      {stores && stores.length > 0 && (
        <>
          <p>
            <strong>{quietCount(stores)}</strong> of {stores.length} stores quiet.
          </p>
          <div class="table-scroll">
            <table class="striped">
              <caption>Stores, quiet ones and those whose last upload needs a look first</caption>
              <thead>
                <tr>
                  <th scope="col">Store</th>
                  <th scope="col">Last upload</th>
                  <th scope="col">Batch</th>
                  <th scope="col">Business date</th>
                  <th scope="col" class="number">
                    Lines
                  </th>
                  <th scope="col" class="number">
                    Accepted
                  </th>
                  <th scope="col">Outcome</th>
                </tr>
              </thead>
              <tbody>
                {stores.map((store) => {
                  const health = storeHealth(store);
                  return (
                    <tr key={store.storeId}>
                      <th scope="row" class="wrap-anywhere">
                        <a href={routeHash(PAGE, [store.storeId])}>{store.storeId}</a>
                      </th>
                      <td>
                        {health.quiet ? <strong>{health.label}</strong> : health.label}
                        <br />
                        <small>{formatTime(store.lastUpload.finishedAt)}</small>
                      </td>
                      <td>{store.lastUpload.batchId}</td>
                      <td>{store.lastUpload.businessDate}</td>
                      <td class="number">{store.lastUpload.counts.lines}</td>
                      <td class="number">{store.lastUpload.counts.accepted}</td>
                      <td>{uploadOutcome(store.lastUpload)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </>
      )}
    </>
  );
}

function StoreView({ session, storeId }: { session: Session; storeId: string }) {
  const polled = usePolled(
    () => apiGet<StoreDetail>(session, `/stores/${segment(storeId)}`),
    [storeId],
    STORES_REFRESH_MS,
  );
  const detail = polled.data;
  const health = detail && storeHealth(detail);
  return (
    <>
      <PageHeading title={`Store ${storeId}`} polled={polled} />
      <p>
        <a href={routeHash(PAGE)}>All stores</a> · <a href={routeHash('store-tasks', [storeId])}>Store tasks</a>
      </p>
      <ErrorNote error={polled.error} />
      {detail && health && (
        <>
          <p>{health.quiet ? <strong>{health.label}</strong> : health.label}.</p>
          <Gaps detail={detail} />
          <Uploads uploads={detail.uploads} />
          <Quarantine detail={detail} />
        </>
      )}
    </>
  );
}

function Gaps({ detail }: { detail: StoreDetail }) {
  return (
    <section aria-labelledby="gaps">
      <h2 id="gaps">Sequence gaps</h2>
      {detail.openGaps.length === 0 ? (
        <p>No register is missing a sequence number in the recent uploads.</p>
      ) : (
        <div class="table-scroll">
          <table class="striped">
            <caption>Registers with sequence numbers still missing after their newest upload</caption>
            <thead>
              <tr>
                <th scope="col">Register</th>
                <th scope="col">Business day</th>
                <th scope="col" class="number">
                  Missing
                </th>
                <th scope="col">Sequence numbers</th>
              </tr>
            </thead>
            <tbody>
              {detail.openGaps.map((register) => (
                <tr key={`${register.registerId} ${register.businessDay}`}>
                  <th scope="row">{register.registerId}</th>
                  <td>{register.businessDay}</td>
                  <td class="number">{register.missing}</td>
                  <td class="wrap-anywhere">{gapsLabel(register.gaps)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Uploads({ uploads }: { uploads: readonly StoreUpload[] }) {
  return (
    <section aria-labelledby="uploads">
      <h2 id="uploads">Recent uploads</h2>
      <div class="table-scroll">
        <table class="striped">
          <caption>The store's uploads, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Finished</th>
              <th scope="col">Batch</th>
              <th scope="col">Business date</th>
              <th scope="col" class="number">
                Lines
              </th>
              <th scope="col" class="number">
                Accepted
              </th>
              <th scope="col" class="number">
                Duplicates
              </th>
              <th scope="col" class="number">
                Rejected
              </th>
              <th scope="col" class="number">
                Quarantined lines
              </th>
              <th scope="col">Outcome</th>
            </tr>
          </thead>
          <tbody>
            {uploads.map((upload) => (
              <tr key={`${upload.batchId} ${upload.uploadId}`}>
                <th scope="row">{formatTime(upload.finishedAt)}</th>
                <td>{upload.batchId}</td>
                <td>{upload.businessDate}</td>
                <td class="number">{upload.counts.lines}</td>
                <td class="number">{upload.counts.accepted}</td>
                <td class="number">{upload.counts.duplicates}</td>
                <td class="number">{upload.counts.rejected}</td>
                <td class="number">{upload.counts.quarantinedLines}</td>
                <td>{uploadOutcome(upload)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function Quarantine({ detail }: { detail: StoreDetail }) {
  return (
    <section aria-labelledby="quarantine">
      <h2 id="quarantine">Quarantined lines</h2>
      {detail.quarantined.length === 0 && <p>Nothing of the recent uploads was quarantined.</p>}
      {detail.quarantined.map((upload) => (
        <article key={upload.prefix}>
          <h3 class="wrap-anywhere">
            Batch {upload.batchId} of {upload.businessDate}
          </h3>
          {upload.fileReason && <p>The whole file was quarantined: {upload.fileReason}</p>}
          {upload.lines.length > 0 && (
            <div class="table-scroll">
              <table class="striped">
                <caption>Lines of batch {upload.batchId} that failed, with the reason</caption>
                <thead>
                  <tr>
                    <th scope="col" class="number">
                      Line
                    </th>
                    <th scope="col">Reason</th>
                    <th scope="col">As uploaded</th>
                  </tr>
                </thead>
                <tbody>
                  {upload.lines.map((line) => (
                    <tr key={line.lineNumber}>
                      <th scope="row" class="number">
                        {line.lineNumber}
                      </th>
                      <td>{line.reason}</td>
                      <td class="wrap-anywhere">
                        <code>{line.raw}</code>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {upload.more && <p>More lines are quarantined: the first {upload.lines.length} are shown.</p>}
          <p>
            <small class="wrap-anywhere">
              Kept under <code>{upload.prefix}</code> in the POS bucket.
            </small>
          </p>
        </article>
      ))}
    </section>
  );
}
