import type { EventDataOf } from '#domain/kernel/event';
import type { PosTransactionRecorded } from '#domain/pos';
import { FixNotApplicableError, ExceptionNotFoundError } from './errors';
import { actOnLatest } from './work-queue';
import type { ExceptionAction, ExceptionFix, ExceptionRecord } from './model';
import type { ArchivedOrderReprocessor, ErpPostingRetry, ExceptionStore, HeldPosTransactions } from './ports';
import type { SalesChannel } from '#domain/kernel/order';

export interface FixPorts {
  store: ExceptionStore;
  reprocessor: ArchivedOrderReprocessor;
  posTransactions: HeldPosTransactions;
  erp: ErpPostingRetry;
  now?: () => Date;
}

/** Who asked and why: every fix is audited on the exception. */
export interface Actor {
  by: string;
  why: string;
}

async function openException(id: string, fix: ExceptionFix, store: ExceptionStore): Promise<ExceptionRecord> {
  const record = await store.get(id);
  if (!record) throw new ExceptionNotFoundError(`no exception ${id}`);
  if (!record.fixes.includes(fix))
    throw new FixNotApplicableError(`${record.kind} offers ${record.fixes.join(', ')}, not ${fix}`);
  return record;
}

/** Records a fix already applied; it changes no status, so a resolution that raced it must not lose the audit. */
async function audit(
  store: ExceptionStore,
  record: ExceptionRecord,
  action: ExceptionAction,
): Promise<ExceptionRecord> {
  return (await actOnLatest(store, record, action)) ?? record;
}

/**
 * Closes an exception a person decided needs nothing more, with the reason. Idempotent: dismissing a
 * dismissed exception changes nothing; a resolved one stays resolved.
 */
export async function dismissException(
  id: string,
  actor: Actor,
  ports: Pick<FixPorts, 'store' | 'now'>,
): Promise<ExceptionRecord> {
  const record = await openException(id, 'dismiss', ports.store);
  if (record.status !== 'open') return record;
  const at = (ports.now?.() ?? new Date()).toISOString();
  const dismissed = await actOnLatest(
    ports.store,
    record,
    { action: 'dismissed', by: actor.by, at, why: actor.why },
    'dismissed',
    (latest) => latest.status === 'open',
  );
  return dismissed ?? (await ports.store.get(id)) ?? record;
}

/**
 * Applies the exception's retry: a held order is mapped again from its archived delivery (after a SKU
 * or a mapping rule was fixed), an ERP rejection of a sales order is posted again (after the period,
 * customer, item or dimension was fixed in the ERP). Safe to repeat: the order's consumers key on the
 * order version and the ERP connector looks the document up before it posts. The exception resolves
 * itself when the order moves on; until then it stays open, with the attempt audited.
 */
export async function retryException(id: string, actor: Actor, ports: FixPorts): Promise<ExceptionRecord> {
  const record = await ports.store.get(id);
  if (!record) throw new ExceptionNotFoundError(`no exception ${id}`);
  if (record.status !== 'open') throw new FixNotApplicableError(`${id} is ${record.status}; nothing to retry`);
  const at = (ports.now?.() ?? new Date()).toISOString();
  if (record.fixes.includes('reprocess') && record.kind === 'PosLineNeedsAttention') {
    const { outcome, detail, stillUnmapped } = await ports.posTransactions.reapply(
      record.context.recorded as EventDataOf<typeof PosTransactionRecorded>,
    );
    // No event says a POS line moved, so the fix that applied the last held line closes the exception.
    const done = outcome === 'republished' && stillUnmapped.length === 0;
    return (
      (await actOnLatest(
        ports.store,
        record,
        { action: 'reprocessed', by: actor.by, at, why: actor.why, outcome: `${outcome}: ${detail}` },
        done ? 'resolved' : undefined,
      )) ?? record
    );
  }
  if (record.fixes.includes('reprocess')) {
    const archiveKey = record.context.archiveKey;
    if (typeof archiveKey !== 'string')
      throw new FixNotApplicableError(`${id} names no archived delivery to map again`);
    const { outcome, detail } = await ports.reprocessor.reprocess(archiveKey);
    return audit(ports.store, record, {
      action: 'reprocessed',
      by: actor.by,
      at,
      why: actor.why,
      outcome: `${outcome}: ${detail}`,
    });
  }
  if (record.fixes.includes('retry') && record.context.documentType === 'sales_order' && record.orderId) {
    await ports.erp.retrySalesOrder(record.orderId);
    return audit(ports.store, record, {
      action: 'retried',
      by: actor.by,
      at,
      why: actor.why,
      outcome: 'sales order sent to the ERP connector again',
    });
  }
  throw new FixNotApplicableError(
    `${record.kind} ${record.reasonCode} has no retry; its fixes are ${record.fixes.join(', ')}`,
  );
}

/**
 * After a channel SKU was mapped: maps again, from the archive, every held order that waited for it,
 * and records again every held POS transaction that did. Each is reprocessed at most once per call, and
 * a repeat (or a redelivery of what it publishes) changes nothing twice: the order's consumers key on the
 * order version, the stock movements on the transaction's line.
 */
export async function reprocessWaitingForSku(
  channel: SalesChannel | 'pos',
  channelSkuKey: string,
  actor: Actor,
  ports: FixPorts,
): Promise<{ reprocessed: ExceptionRecord[]; left: ExceptionRecord[] }> {
  const waiting = await ports.store.openWaitingForSku(channel, channelSkuKey);
  const reprocessed: ExceptionRecord[] = [];
  const left: ExceptionRecord[] = [];
  for (const record of waiting) {
    if (record.fixes.includes('reprocess')) reprocessed.push(await retryException(record.id, actor, ports));
    else left.push(record);
  }
  return { reprocessed, left };
}
