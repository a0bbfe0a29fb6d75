import type { EventDataOf } from '#domain/kernel/event';
import type { OrderNeedsAttention } from '#domain/intake';
import type { OrderStateChanged } from '#domain/orders';
import type { FabricEvent } from '#domain/kernel/event';
import {
  EXCEPTION_KINDS,
  FABRIC_ACTOR,
  exceptionFrom,
  kindsResolvedBy,
  type ExceptionAction,
  type ExceptionKind,
  type ExceptionRecord,
  type ExceptionStatus,
} from './model';
import { ExceptionChangedError } from './errors';
import type { ExceptionStore, HeldOrders } from './ports';

export interface ExceptionIntakePorts {
  store: ExceptionStore;
  heldOrders: HeldOrders;
}

export type ExceptionIntakeOutcome =
  | { outcome: 'raised'; record: ExceptionRecord }
  | { outcome: 'resolved'; ids: string[] }
  | { outcome: 'ignored' };

/**
 * Takes one event into the work queue. An exception kind raises (or counts again) the row of its
 * cause; an order held without a canonical order (money that does not balance, a payload the rules
 * refuse) is kept in the order store first, so GET /orders finds it. OrderStateChanged resolves what
 * the move ended. Idempotent per event: a redelivery counts nothing twice and resolves nothing twice.
 * Throws ExceptionChangedError when a racing writer moved a row: the record is retried.
 */
export async function takeExceptionEvent(
  event: FabricEvent<unknown>,
  ports: ExceptionIntakePorts,
): Promise<ExceptionIntakeOutcome> {
  if ((EXCEPTION_KINDS as readonly string[]).includes(event.detailType)) {
    if (event.detailType === 'OrderNeedsAttention')
      await holdUnmappedOrder(event.data as EventDataOf<typeof OrderNeedsAttention>, event.time, ports.heldOrders);
    return {
      outcome: 'raised',
      record: await ports.store.raise(exceptionFrom(event), { eventId: event.id, at: event.time }),
    };
  }
  if (event.detailType === 'OrderStateChanged') {
    const change = event.data as EventDataOf<typeof OrderStateChanged>;
    const resolvable = kindsResolvedBy(change);
    const ids: string[] = [];
    // A redriven or replayed first move still reaches here: it resolves nothing, so nothing is read.
    if (resolvable.length === 0) return { outcome: 'resolved', ids };
    const open = await ports.store.openForOrder(
      change.orderId,
      resolvable.map(({ kind }) => kind),
    );
    for (const record of open) {
      if (resolvable.find(({ kind }) => kind === record.kind)?.unless?.(record)) continue;
      const action = {
        action: 'resolved',
        by: FABRIC_ACTOR,
        at: event.time,
        why: `the order moved ${change.from} -> ${change.to} on ${change.on}`,
      } as const;
      if (await actOnLatest(ports.store, record, action, 'resolved', (latest) => latest.status === 'open'))
        ids.push(record.id);
    }
    return { outcome: 'resolved', ids };
  }
  return { outcome: 'ignored' };
}

/** An unknown SKU comes with the order itself (OrderReceived, status needs_attention); every other hold has no canonical order to store. */
async function holdUnmappedOrder(
  data: EventDataOf<typeof OrderNeedsAttention>,
  at: string,
  heldOrders: HeldOrders,
): Promise<void> {
  if (data.reason === 'UNKNOWN_SKU') return;
  await heldOrders.holdOrder({
    orderId: data.orderId,
    channel: data.channel,
    channelOrderId: data.channelOrderId,
    reason: data.reason,
    details: data.details,
    heldAt: at,
    ...(data.archiveKey ? { archiveKey: data.archiveKey } : {}),
  });
}

export const isExceptionKind = (text: string): text is ExceptionKind =>
  (EXCEPTION_KINDS as readonly string[]).includes(text);

/** Per kind: how many exceptions are open and how old the oldest is; every kind appears, at zero when none is open. */
export function openExceptionFigures(
  open: readonly ExceptionRecord[],
  now: Date,
): { kind: ExceptionKind; open: number; oldestAgeSeconds: number }[] {
  return EXCEPTION_KINDS.map((kind) => {
    const rows = open.filter((record) => record.kind === kind && record.status === 'open');
    const oldest = rows.reduce((min, record) => Math.min(min, Date.parse(record.firstSeenAt)), now.getTime());
    return { kind, open: rows.length, oldestAgeSeconds: Math.max(0, Math.round((now.getTime() - oldest) / 1000)) };
  });
}

/**
 * Appends an action (and sets a status) on the exception as it is now, reading it again when a racing
 * writer moved it (a fix audited while the fabric resolves it), as long as `stillApplies` to what it
 * reads. Returns the exception after the write, or undefined when the action no longer applies.
 */
export async function actOnLatest(
  store: ExceptionStore,
  record: ExceptionRecord,
  action: ExceptionAction,
  status?: ExceptionStatus,
  stillApplies: (latest: ExceptionRecord) => boolean = () => true,
): Promise<ExceptionRecord | undefined> {
  let current: ExceptionRecord | undefined = record;
  for (let attempt = 1; current && stillApplies(current); attempt += 1) {
    try {
      return await store.act(current.id, current.version, action, status);
    } catch (error) {
      if (!(error instanceof ExceptionChangedError) || attempt === 5) throw error;
      current = await store.get(current.id);
    }
  }
  return undefined;
}
