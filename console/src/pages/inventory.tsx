import { useState } from 'preact/hooks';
import { apiGet, segment } from '../api';
import { ErrorNote, PageHeading, type PageProps, useAction, usePolled } from '../components';
import type { Session } from '../session';
import { formatAge, formatTime } from '../view/format';
import {
  type ChannelShown,
  channelNote,
  movementChange,
  movementKind,
  STOCK_COLUMNS,
  type SkuInventory,
  skuProblem,
  type StockFigures,
  type Verification,
  verificationFindings,
  verificationSummary,
} from '../view/inventory';
import { routeHash } from '../view/route';

const PAGE = 'inventory';

export function InventoryPage({ session, path, navigate }: PageProps) {
  const [sku] = path;
  return (
    <>
      <PageHeading title={sku ? `Inventory of ${sku}` : 'Inventory'} />
      <SkuSearch current={sku} open={(next) => navigate(routeHash(PAGE, [next]))} key={sku ?? ''} />
      {sku && <SkuDetail session={session} sku={sku} />}
      <VerifySection session={session} />
    </>
  );
}

function SkuSearch({ current, open }: { current?: string; open(sku: string): void }) {
  const [sku, setSku] = useState(current ?? '');
  const [problem, setProblem] = useState<string | undefined>(undefined);
  return (
    <form
      aria-label="Find a SKU"
      onSubmit={(event) => {
        event.preventDefault();
        const found = skuProblem(sku);
        setProblem(found);
        if (!found) open(sku.trim());
      }}
    >
      <label for="sku-search">SKU</label>
      <fieldset>
        <input
          id="sku-search"
          value={sku}
          onInput={(event) => setSku(event.currentTarget.value)}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? 'sku-search-problem' : undefined}
          placeholder="e.g. SKU-TEE-RED-M"
        />
        <button type="submit">Show</button>
      </fieldset>
      {problem && <small id="sku-search-problem">{problem}</small>}
    </form>
  );
}

function SkuDetail({ session, sku }: { session: Session; sku: string }) {
  const polled = usePolled(() => apiGet<SkuInventory>(session, `/inventory/skus/${segment(sku)}`), [sku]);
  const view = polled.data;
  return (
    <section aria-labelledby="sku-heading">
      <div class="page-heading">
        <h2 id="sku-heading">{sku}</h2>
        <button type="button" class="secondary outline" aria-busy={polled.loading} onClick={() => polled.reload()}>
          Refresh
        </button>
      </div>
      <ErrorNote error={polled.error} />
      {view && (
        <>
          <p>Version {view.version}: every change to the SKU's positions raises it.</p>
          <StockTable view={view} />
          <ChannelTable sku={sku} channels={view.channels} />
          <MovementTable sku={sku} view={view} />
        </>
      )}
    </section>
  );
}

function StockCells({ figures }: { figures: StockFigures }) {
  return (
    <>
      {STOCK_COLUMNS.map(({ figure }) => (
        <td key={figure} class="number">
          {figures[figure]}
        </td>
      ))}
    </>
  );
}

function StockTable({ view }: { view: SkuInventory }) {
  return (
    <div class="table-scroll">
      <table class="striped">
        <caption>Stock of {view.sku} at each location</caption>
        <thead>
          <tr>
            <th scope="col">Location</th>
            {STOCK_COLUMNS.map(({ figure, label }) => (
              <th key={figure} scope="col" class="number">
                {label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {view.locations.map((location) => (
            <tr key={location.locationId}>
              <th scope="row">
                {location.name}{' '}
                <small>
                  ({location.locationId}, {location.kind})
                </small>
              </th>
              <StockCells figures={location} />
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Total</th>
            <StockCells figures={view.total} />
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

function ChannelTable({ sku, channels }: { sku: string; channels: readonly ChannelShown[] }) {
  return (
    <div class="table-scroll">
      <table class="striped">
        <caption>What each channel is shown of {sku}, and what it was last told</caption>
        <thead>
          <tr>
            <th scope="col">Channel</th>
            <th scope="col" class="number">
              Available to sell
            </th>
            <th scope="col" class="number">
              May list
            </th>
            <th scope="col" class="number">
              Last told
            </th>
            <th scope="col" class="number">
              Version
            </th>
            <th scope="col">Acknowledged</th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {channels.map((channel) => (
            <tr key={channel.channel}>
              <th scope="row">{channel.channel}</th>
              <td class="number">{channel.availableToSell}</td>
              <td class="number">{channel.listed}</td>
              <td class="number">{channel.published?.value ?? '-'}</td>
              <td class="number">{channel.published?.version ?? '-'}</td>
              <td>
                {channel.published ? (
                  <time
                    dateTime={channel.published.acknowledgedAt}
                    title={formatTime(channel.published.acknowledgedAt)}
                  >
                    {formatAge(channel.published.acknowledgedAt)} ago
                  </time>
                ) : (
                  '-'
                )}
              </td>
              <td>{channelNote(channel)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function MovementTable({ sku, view }: { sku: string; view: SkuInventory }) {
  if (view.movements.length === 0) return <p>No ledger movement recorded for {sku}.</p>;
  return (
    <div class="table-scroll">
      <table class="striped">
        <caption>Latest ledger movements of {sku}, newest first</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Location</th>
            <th scope="col">Movement</th>
            <th scope="col">Change</th>
            <th scope="col">Reason</th>
            <th scope="col">Reference</th>
          </tr>
        </thead>
        <tbody>
          {view.movements.map((movement) => (
            <tr key={movement.movementId}>
              <td>
                <time dateTime={movement.occurredAt}>{formatTime(movement.occurredAt)}</time>
              </td>
              <td>{movement.locationId}</td>
              <td>{movementKind(movement.kind)}</td>
              <td>{movementChange(movement)}</td>
              <td>
                <code>{movement.reasonCode}</code>
              </td>
              <td>
                {movement.reference.kind.replace(/_/g, ' ')} <code>{movement.reference.id}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** What `ops inventory verify` runs; it only reads, so every signed-in user may run it. */
function VerifySection({ session }: { session: Session }) {
  const verify = useAction(() => apiGet<Verification>(session, '/inventory/verification'));
  const report = verify.result;
  const findings = report ? verificationFindings(report) : [];
  return (
    <section aria-labelledby="verify-heading">
      <h2 id="verify-heading">Verification</h2>
      <p>Rebuilds every position from its ledger and checks reserved stock against open reservations.</p>
      <button
        type="button"
        class="secondary"
        aria-busy={verify.busy}
        disabled={verify.busy}
        onClick={() => verify.run()}
      >
        Verify inventory
      </button>
      <ErrorNote error={verify.error} />
      {report && !verify.busy && (
        <div role="status">
          <p>{verificationSummary(report)}</p>
          {findings.length > 0 && (
            <div class="table-scroll">
              <table class="striped">
                <caption>Where positions, ledger and reservations disagree</caption>
                <thead>
                  <tr>
                    <th scope="col">Bucket</th>
                    <th scope="col">Finding</th>
                  </tr>
                </thead>
                <tbody>
                  {findings.map(({ bucket, finding }) => (
                    <tr key={`${bucket}${finding}`}>
                      <th scope="row">
                        <code>{bucket}</code>
                      </th>
                      <td>{finding}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      )}
    </section>
  );
}
