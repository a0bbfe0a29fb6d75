import type { ChannelOrderMapper } from './channel-ports';
import type { SalesChannel } from '#domain/kernel/order';
import type { FieldIssue } from '#domain/kernel/validation';
import { createEvent, type EventDataOf } from '#domain/kernel/event';
import { OrderNeedsAttention, OrderReceived } from './events';
import { orderIdFor } from '#domain/kernel/order';
import { prepareChannelOrder } from './channel-order-intake';
import type { SkuCrossReference } from '#domain/kernel/sku-cross-reference';
import type { EventPublisher } from '#domain/kernel/ports';
import type { DeliveryArchive } from '#domain/kernel/archive';
import type { OnceRunner } from '#domain/kernel/ports';
import { TransientError } from '#domain/kernel/errors';

/** Orders modified in [from, to), ISO timestamps. */
export interface PullWindow {
  from: string;
  to: string;
}

/** One page of a channel's order search, each order with the version it was modified at. */
export interface PulledPage<TPayload> {
  orders: (
    | { kind: 'order'; channelOrderId: string; version: string; payload: TPayload }
    | { kind: 'invalid'; channelOrderId: string; issues: FieldIssue[] }
  )[];
  /** Where the next page starts (an offset, a cursor); absent on the last page. */
  nextPage?: string;
  raw: unknown;
}

/** A channel API that lists orders by last-modified time, page by page. */
export interface OrderFeed<TPayload> {
  channel: SalesChannel;
  /** The connector's name: the key of its persisted state. */
  connector: string;
  mapper: ChannelOrderMapper<TPayload>;
  /** Throws ChannelApiError for the run to fail and resume from its saved page next time. */
  fetchPage(window: PullWindow, page: string | undefined): Promise<PulledPage<TPayload>>;
}

/**
 * A connector's persisted progress: `cursor` is the end of the last window pulled completely; `run`
 * is the window under way and the next page to fetch, so a run that stops (timeout, crash, a failing
 * page) resumes exactly there.
 */
export interface ConnectorState {
  cursor?: string;
  run?: { window: PullWindow; page?: string; pagesDone: number };
  /** Optimistic-concurrency version; 0 when nothing is stored. */
  version: number;
  /** Scheduled runs failed in a row since the last one that saved; read-only here (see catch-up.ts). */
  failing?: { failures: number; since: string; lastReason: string; lastAt: string };
}

export class ConnectorStateConflictError extends TransientError {
  override name = 'ConnectorStateConflictError';
}

export interface ConnectorStateStore {
  load(connector: string): Promise<ConnectorState>;
  /** Writes the state only if the stored version is still `state.version`; returns the new version or throws ConnectorStateConflictError. */
  save(connector: string, state: ConnectorState): Promise<number>;
}

/** The order versions the fabric holds already, so a pull republishes nothing a delivery brought. */
export interface DeliveredOrders {
  /** The channel's updated-at of the newest version stored; undefined for an order never recorded. */
  storedVersion(orderId: string): Promise<string | undefined>;
}

export interface OrderPullPorts {
  state: ConnectorStateStore;
  delivered: DeliveredOrders;
  archive: DeliveryArchive;
  publisher: EventPublisher;
  skus: SkuCrossReference;
  once: OnceRunner;
}

export interface OrderPullOptions {
  now: Date;
  /**
   * A one-off window from this instant to now - settle, as an operator asks for it (`ops channel
   * catch-up --since`): it neither reads nor moves the cursor, so the scheduled pull goes on as before.
   */
  since?: string;
  /** How far each window reaches back before the cursor, for orders the channel indexes late. */
  overlapMs: number;
  /** How far behind now each window ends, so a window never races the channel's own writes. */
  settleMs: number;
  /** Where the very first window starts, before any cursor exists. */
  initialLookbackMs: number;
  /** False once the invocation should stop after the page in hand (its time is running out). */
  hasTimeLeft: () => boolean;
}

export interface OrderPullReport {
  window?: PullWindow;
  pages: number;
  published: number;
  /** Listed again (an overlap, a resumed page) or already delivered by the channel's webhook. */
  duplicates: number;
  needsAttention: number;
  completed: boolean;
}

/**
 * Pulls one window of orders from a channel, page by page, and publishes each order version once.
 * Neither skips nor repeats across restarts:
 * - the window is fixed when a run starts ([cursor - overlap, now - settle)) and saved with the next
 *   page to fetch, after that page's orders are published; a run that stops resumes at that page;
 * - the cursor moves to the window's end only when its last page is published;
 * - windows overlap, and every order is published once per (order, channel version) through `once`,
 *   so what the overlap (or a resumed page) sees again is counted as a duplicate, not republished.
 * Throws what the channel API throws, with the progress up to the failing page saved.
 */
export async function pullOrders<TPayload>(
  feed: OrderFeed<TPayload>,
  ports: OrderPullPorts,
  options: OrderPullOptions,
): Promise<OrderPullReport> {
  const now = options.now.getTime();
  if (options.since)
    return pullWindow(feed, ports, { from: options.since, to: new Date(now - options.settleMs).toISOString() });
  const state = await ports.state.load(feed.connector);
  const run = state.run ?? {
    window: {
      from: new Date(
        state.cursor ? Date.parse(state.cursor) - options.overlapMs : now - options.initialLookbackMs,
      ).toISOString(),
      to: new Date(now - options.settleMs).toISOString(),
    },
    pagesDone: 0,
  };
  const report: OrderPullReport = {
    window: run.window,
    pages: 0,
    published: 0,
    duplicates: 0,
    needsAttention: 0,
    completed: false,
  };
  if (Date.parse(run.window.from) >= Date.parse(run.window.to)) return { ...report, completed: true };

  let version = state.version;
  let page = run.page;
  for (;;) {
    const pulled = await feed.fetchPage(run.window, page);
    report.pages += 1;
    await archivePage(feed, ports.archive, run.window, page, pulled.raw);
    for (const entry of pulled.orders) count(report, await publishOnce(feed, ports, entry));
    if (!pulled.nextPage) {
      version = await ports.state.save(feed.connector, { cursor: run.window.to, version });
      return { ...report, completed: true };
    }
    page = pulled.nextPage;
    version = await ports.state.save(feed.connector, {
      ...(state.cursor ? { cursor: state.cursor } : {}),
      run: { window: run.window, page, pagesDone: run.pagesDone + report.pages },
      version,
    });
    if (!options.hasTimeLeft()) return report;
  }
}

/**
 * Every one-off window page by page to its end, publishing as the scheduled pull does (so what it
 * finds again is a duplicate), with nothing saved: a run that fails is simply asked for again.
 */
async function pullWindow<TPayload>(
  feed: OrderFeed<TPayload>,
  ports: OrderPullPorts,
  window: PullWindow,
): Promise<OrderPullReport> {
  const report: OrderPullReport = {
    window,
    pages: 0,
    published: 0,
    duplicates: 0,
    needsAttention: 0,
    completed: false,
  };
  if (Date.parse(window.from) >= Date.parse(window.to)) return { ...report, completed: true };
  let page: string | undefined;
  do {
    const pulled = await feed.fetchPage(window, page);
    report.pages += 1;
    await archivePage(feed, ports.archive, window, page, pulled.raw);
    for (const entry of pulled.orders) count(report, await publishOnce(feed, ports, entry));
    page = pulled.nextPage;
  } while (page);
  return { ...report, completed: true };
}

function count(report: OrderPullReport, result: { duplicate: boolean; outcome: string }): void {
  if (result.duplicate || result.outcome === 'already_delivered') report.duplicates += 1;
  else if (result.outcome === 'needs_attention') report.needsAttention += 1;
  else report.published += 1;
}

/**
 * What a pull publishes carries this at the head of its delivery id, so the order store can tell an
 * order the catch-up found (no webhook brought it) from one a channel delivered.
 */
export const CATCH_UP_DELIVERY_PREFIX = 'catch-up:';

export function isCatchUpDelivery(deliveryId: string): boolean {
  return deliveryId.startsWith(CATCH_UP_DELIVERY_PREFIX);
}

/**
 * Whether the order store's recording of a version is one the catch-up recovered: the pull brought it
 * (no webhook did), and it changed the store (a replay or a stale version recovers nothing).
 */
export function recoveredByCatchUp(recorded: { deliveryId: string; result: string; replayed: boolean }): boolean {
  return !recorded.replayed && recorded.result !== 'stale_update_ignored' && isCatchUpDelivery(recorded.deliveryId);
}

async function publishOnce<TPayload>(
  feed: OrderFeed<TPayload>,
  ports: OrderPullPorts,
  entry: PulledPage<TPayload>['orders'][number],
) {
  const orderId = orderIdFor(feed.channel, entry.channelOrderId);
  if (entry.kind === 'invalid') {
    // A listed order that does not match the channel's shape is held, keyed on its id: without a
    // readable version, it is reported once until the connector's schema is fixed.
    return ports.once(`${feed.channel}#pull#${entry.channelOrderId}#invalid`, async () => {
      await ports.publisher.publish([
        createEvent(
          OrderNeedsAttention,
          {
            channel: feed.channel,
            channelOrderId: entry.channelOrderId,
            orderId,
            reason: 'INVALID_PAYLOAD',
            details: entry.issues,
          },
          { correlationId: orderId, causationId: `${feed.connector}:${entry.channelOrderId}` },
        ),
      ]);
      return { orderId, outcome: 'needs_attention' };
    });
  }
  const deliveryId = `${CATCH_UP_DELIVERY_PREFIX}${feed.connector}:${entry.channelOrderId}@${entry.version}`;
  return ports.once(`${feed.channel}#pull#${entry.channelOrderId}#${entry.version}`, async () => {
    const prepared = await prepareChannelOrder(feed.channel, feed.mapper, entry.payload, deliveryId, ports.skus);
    // The order store would ignore a version it holds; not publishing it spares every consumer the replay.
    const received = prepared.publish.find((event) => event.detailType === OrderReceived.detailType);
    if (received) {
      const { channelUpdatedAt } = (received.data as EventDataOf<typeof OrderReceived>).order;
      const stored = await ports.delivered.storedVersion(prepared.orderId);
      if (stored !== undefined && stored >= channelUpdatedAt)
        return { orderId: prepared.orderId, outcome: 'already_delivered' };
    }
    await ports.publisher.publish(prepared.publish);
    return { orderId: prepared.orderId, outcome: prepared.outcome };
  });
}

async function archivePage<TPayload>(
  feed: OrderFeed<TPayload>,
  archive: DeliveryArchive,
  window: PullWindow,
  page: string | undefined,
  raw: unknown,
): Promise<void> {
  const body = Buffer.from(JSON.stringify(raw ?? null));
  await archive.archiveDelivery({
    channel: feed.channel,
    source: 'api-responses',
    requestId: `${feed.connector}_${window.from}_${window.to}_page-${page ?? 'first'}`.replace(/[^A-Za-z0-9._-]/g, '_'),
    receivedAt: new Date().toISOString(),
    headers: {
      'x-fabric-connector': feed.connector,
      'x-fabric-window': `${window.from}..${window.to}`,
      'x-fabric-page': page ?? 'first',
    },
    sizeBytes: body.length,
    bodyBase64: body.toString('base64'),
  });
}
