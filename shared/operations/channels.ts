import { ChannelCredentialsError, channelCredentialsFromEnv } from '#shared/channels/channel-credentials';
import { outboundRateLimitsFromEnv } from '#shared/channels/channel-apis';
import { outboundRateBudgets } from '#shared/channels/outbound-rate-budgets';
import { DynamoPublicationLedger, DynamoTokenBucket } from '#shared/adapters/publication-ledger';
import { DynamoConnectorStateStore } from '#shared/adapters/connector-state';
import { SalesChannel } from '#domain/kernel/order';
import { cellTiming, type RateLimit } from '#domain/kernel/rate-limit';
import { pendingFigure, propagationLagMs, type PublicationRecord } from '#domain/channel-sync';
import type { ConnectorState } from '#domain/intake/order-pull';
import { catchUpConnector } from '#shared/channels/order-feeds';

/**
 * What the channels were told and how fast, read for `ops channel lag` and the console's Channels
 * page alike: per channel and subject the figure last published and its lag, what still waits, each
 * channel API's rate budget and the pull connectors' last catch-up.
 */

/**
 * A newer figure still unpublished this long after the fabric decided it counts as a failure: the
 * drift check (every 15 minutes) re-publishes stalled figures, so one older than that was not helped by it either.
 */
export const STALLED_AFTER_MS = 15 * 60_000;

export interface SubjectLag {
  subject: string;
  sku: string;
  /** The figure the channel last acknowledged, when the fabric decided it, and the lag between. */
  published?: { value: number; version: number; decidedAt: string; acknowledgedAt: string; lagMs: number };
  /** A newer figure that has not reached the channel yet, and how long it has waited. */
  pending?: { value: number; version: number; decidedAt: string; waitingMs: number };
  /** Pending for longer than STALLED_AFTER_MS. */
  stalled: boolean;
}

export interface RateBudget {
  /** The operation when the channel meters each on its own (Amazon); absent, the channel's one budget. */
  operation?: string;
  tokens: number;
  capacity: number;
  ratePerSecond: number;
}

export interface ChannelStatus {
  channel: SalesChannel;
  subjects: number;
  pending: number;
  /** Over the subjects with a published figure; null when none has one yet. */
  maxLagMs: number | null;
  meanLagMs: number | null;
  /** The channel's tightest budget now (the least share left); absent where the fabric spends none. */
  rateBudget?: RateBudget;
  rateBudgets: RateBudget[];
  /** When the channel's pull connector last saved its progress, and the cursor: orders are in up to then. */
  lastCatchUp?: {
    connector: string;
    at: string;
    upTo?: string;
    runningWindow?: { from: string; to: string };
    /** Scheduled runs failing in a row since the last that saved. */
    failing?: ConnectorState['failing'];
  };
  /** Subjects whose newer figure has stalled (see STALLED_AFTER_MS). */
  failures: number;
}

/** GET /channels: every channel's status, with the age past which a pending figure counts as stalled. */
export interface ChannelsAnswer {
  stalledAfterMs: number;
  channels: ChannelStatus[];
}

/** GET /channels/{channel}/lag: its status and its subjects, the worst first, up to the limit asked for. */
export interface ChannelLagAnswer {
  status: ChannelStatus;
  subjects: SubjectLag[];
  /** More subjects lag than were listed. */
  more: boolean;
}

/** What the read model reads: the publication ledger, the token buckets and the pull connectors' state. */
export interface ChannelReadPorts {
  ledger: Pick<DynamoPublicationLedger, 'list'>;
  budgets: readonly {
    channel: SalesChannel;
    operation?: string;
    limit: RateLimit;
    storedTat(): Promise<number | undefined>;
  }[];
  connectors: Pick<DynamoConnectorStateStore, 'lastSaved'>;
}

/** The ports over the channelPublications and connectorState tables, with the budgets of the region's channel API credentials. */
export function channelReadPorts(
  tables: { channelPublications: string; connectorState: string },
  env: NodeJS.ProcessEnv = process.env,
): ChannelReadPorts {
  const budgets = outboundRateBudgets(channelCredentialsFromEnv(env), outboundRateLimitsFromEnv(env));
  return {
    ledger: new DynamoPublicationLedger(tables.channelPublications),
    budgets: budgets.map((budget) => {
      const bucket = new DynamoTokenBucket(tables.channelPublications, budget.account, budget.limit);
      return { ...budget, storedTat: () => bucket.storedTat() };
    }),
    connectors: new DynamoConnectorStateStore(tables.connectorState),
  };
}

/** One ledger record as the lag report shows it. */
export function subjectLag(record: PublicationRecord, now: number): SubjectLag {
  const { published } = record;
  const waiting = pendingFigure(record);
  const waitingMs = waiting ? Math.max(0, now - Date.parse(waiting.eventTime)) : 0;
  return {
    subject: record.subject,
    sku: record.sku,
    ...(published
      ? {
          published: {
            value: published.value,
            version: published.version,
            decidedAt: published.eventTime,
            acknowledgedAt: published.acknowledgedAt,
            lagMs: propagationLagMs(published),
          },
        }
      : {}),
    ...(waiting
      ? { pending: { value: waiting.value, version: waiting.version, decidedAt: waiting.eventTime, waitingMs } }
      : {}),
    stalled: waiting !== undefined && waitingMs > STALLED_AFTER_MS,
  };
}

/** Every subject of a channel, in the ledger's order (by subject). */
export async function channelLag(
  ports: ChannelReadPorts,
  channel: SalesChannel,
  now = Date.now(),
): Promise<SubjectLag[]> {
  return (await ports.ledger.list(channel)).map((record) => subjectLag(record, now));
}

/** Whole tokens a GCRA bucket holds at `now`: full when never used or idle, none right after a 429. */
export function tokensLeft(tat: number | undefined, limit: RateLimit, now: number): number {
  if (tat === undefined || tat <= now) return limit.burst;
  const { intervalMs, toleranceMs } = cellTiming(limit);
  // The k-th next token is due at tat + k·T − τ; those due by now are there to take. The epsilon absorbs float noise.
  const due = Math.floor((now - tat + toleranceMs) / intervalMs + 1e-9) + 1;
  return Math.min(limit.burst, Math.max(0, due));
}

/** Counts and lag figures over a channel's subjects. */
export function lagFigures(
  rows: readonly SubjectLag[],
): Pick<ChannelStatus, 'subjects' | 'pending' | 'maxLagMs' | 'meanLagMs' | 'failures'> {
  const lags = rows.flatMap((row) => (row.published ? [row.published.lagMs] : []));
  return {
    subjects: rows.length,
    pending: rows.filter((row) => row.pending).length,
    maxLagMs: lags.length ? Math.max(...lags) : null,
    meanLagMs: lags.length ? Math.round(lags.reduce((sum, lag) => sum + lag, 0) / lags.length) : null,
    failures: rows.filter((row) => row.stalled).length,
  };
}

async function budgetsOf(ports: ChannelReadPorts, channel: SalesChannel, now: number): Promise<RateBudget[]> {
  const read = await Promise.all(
    ports.budgets
      .filter((budget) => budget.channel === channel)
      .map(async (budget): Promise<RateBudget | undefined> => {
        let tat: number | undefined;
        try {
          tat = await budget.storedTat();
        } catch (error) {
          // A channel this region does not sell on has no credentials, so no account and no budget to show.
          if (error instanceof ChannelCredentialsError) return undefined;
          throw error;
        }
        return {
          ...(budget.operation ? { operation: budget.operation } : {}),
          tokens: tokensLeft(tat, budget.limit, now),
          capacity: budget.limit.burst,
          ratePerSecond: budget.limit.ratePerSecond,
        };
      }),
  );
  return read.filter((budget) => budget !== undefined);
}

async function lastCatchUpOf(ports: ChannelReadPorts, channel: SalesChannel): Promise<ChannelStatus['lastCatchUp']> {
  // The catch-up connector's cursor says how far the channel's orders were caught up.
  const connector = catchUpConnector(channel);
  const saved = await ports.connectors.lastSaved(connector);
  if (!saved) return undefined;
  return {
    connector,
    at: saved.savedAt,
    ...(saved.cursor ? { upTo: saved.cursor } : {}),
    ...(saved.run ? { runningWindow: saved.run.window } : {}),
    ...(saved.failing ? { failing: saved.failing } : {}),
  };
}

/** One channel's status: lag figures over its subjects, its budgets and its last catch-up. */
export async function channelStatus(
  ports: ChannelReadPorts,
  channel: SalesChannel,
  rows: readonly SubjectLag[],
  now = Date.now(),
): Promise<ChannelStatus> {
  const [rateBudgets, lastCatchUp] = await Promise.all([budgetsOf(ports, channel, now), lastCatchUpOf(ports, channel)]);
  const tightest = [...rateBudgets].sort((a, b) => a.tokens / a.capacity - b.tokens / b.capacity)[0];
  return {
    channel,
    ...lagFigures(rows),
    ...(tightest ? { rateBudget: tightest } : {}),
    rateBudgets,
    ...(lastCatchUp ? { lastCatchUp } : {}),
  };
}

/** Every channel the fabric tells anything, spends a budget on or pulls from; the others are left out. */
export async function channelStatuses(ports: ChannelReadPorts, now = Date.now()): Promise<ChannelStatus[]> {
  const statuses = await Promise.all(
    SalesChannel.options.map(async (channel) =>
      channelStatus(ports, channel, await channelLag(ports, channel, now), now),
    ),
  );
  return statuses.filter((status) => status.subjects > 0 || status.rateBudgets.length > 0 || status.lastCatchUp);
}

/** Stalled first, then the longest waiting, then the slowest published: what an operator looks at first. */
export function worstFirst(rows: readonly SubjectLag[]): SubjectLag[] {
  const rank = (row: SubjectLag) => (row.stalled ? 0 : row.pending ? 1 : 2);
  return [...rows].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      (b.pending?.waitingMs ?? 0) - (a.pending?.waitingMs ?? 0) ||
      (b.published?.lagMs ?? 0) - (a.published?.lagMs ?? 0) ||
      a.subject.localeCompare(b.subject),
  );
}
