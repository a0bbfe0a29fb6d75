import {
  reprocessWaitingForSku,
  type Actor,
  type ExceptionFilter,
  type ExceptionRecord,
  type ExceptionStore,
  type FixPorts,
} from '#domain/exceptions';
import type { Money } from '#domain/kernel/money';
import type { SalesChannel } from '#domain/kernel/order';
import { skuKeyId, type ChannelSkuKey } from '#domain/kernel/sku-cross-reference';
import type { OrderStanding, OrderView } from '#domain/orders';
import { DynamoExceptionStore } from '#shared/adapters/exception-store';
import { DynamoOrderRepository } from '#shared/adapters/order-store';
import { DynamoSkuCrossReference } from '#shared/adapters/cross-reference';
import { S3DeliveryArchive } from '#shared/adapters/raw-archive';

/**
 * What the CLI (`ops exceptions list|show`, `ops xref map-sku`) and the exception API read and do,
 * computed once here: the CLI prints it, the API answers it as JSON.
 */

/** The stores an exception's detail is read from. */
export interface ExceptionReadPorts {
  store: Pick<ExceptionStore, 'get' | 'list'>;
  orders: Pick<DynamoOrderRepository, 'viewOrder'>;
  archive: Pick<S3DeliveryArchive, 'entryAt'>;
  skus: Pick<DynamoSkuCrossReference, 'resolveSkus'>;
}

export function exceptionReadPorts(names: {
  exceptionsTable: string;
  ordersTable: string;
  crossReferenceTable: string;
  rawArchiveBucket: string;
}): ExceptionReadPorts {
  return {
    store: new DynamoExceptionStore(names.exceptionsTable),
    orders: new DynamoOrderRepository(names.ordersTable, names.crossReferenceTable),
    archive: new S3DeliveryArchive(names.rawArchiveBucket),
    skus: new DynamoSkuCrossReference(names.crossReferenceTable),
  };
}

/** One row of the work queue as a list shows it: what `exceptions list --json` and `GET /exceptions` promise. */
export type ExceptionSummary = Pick<
  ExceptionRecord,
  | 'id'
  | 'kind'
  | 'severity'
  | 'status'
  | 'orderId'
  | 'subject'
  | 'reasonCode'
  | 'reason'
  | 'fieldPaths'
  | 'fixes'
  | 'count'
  | 'firstSeenAt'
  | 'lastSeenAt'
> & { channel: ExceptionRecord['channel'] | null };

export function exceptionSummary(record: ExceptionRecord): ExceptionSummary {
  const {
    id,
    kind,
    severity,
    status,
    channel,
    orderId,
    subject,
    reasonCode,
    reason,
    fieldPaths,
    fixes,
    count,
    firstSeenAt,
    lastSeenAt,
  } = record;
  return {
    id,
    kind,
    severity,
    status,
    channel: channel ?? null,
    ...(orderId ? { orderId } : {}),
    subject,
    reasonCode,
    reason,
    fieldPaths,
    fixes,
    count,
    firstSeenAt,
    lastSeenAt,
  };
}

export interface ExceptionListFilter extends ExceptionFilter {
  channel?: SalesChannel;
  /** Only exceptions first seen at least this long ago. */
  olderThanMinutes?: number;
}

/** The work queue, oldest first, narrowed by kind and status in the store and by channel and age here. */
export async function listExceptions(
  store: Pick<ExceptionStore, 'list'>,
  filter: ExceptionListFilter,
  now: Date = new Date(),
): Promise<ExceptionSummary[]> {
  const { channel, olderThanMinutes, ...stored } = filter;
  const seenBefore = olderThanMinutes === undefined ? undefined : now.getTime() - olderThanMinutes * 60_000;
  return (await store.list(stored))
    .filter((record) => channel === undefined || record.channel === channel)
    .filter((record) => seenBefore === undefined || Date.parse(record.firstSeenAt) <= seenBefore)
    .map(exceptionSummary);
}

/** A failing field as the order or the channel's payload holds it, with the line it sits on. */
export interface ExcerptField {
  path: string;
  value: unknown;
  /** The array element (an order line, a line item) the field belongs to, when it belongs to one. */
  line?: unknown;
}

export interface PayloadExcerpt {
  /** The stored canonical order, or the delivery as the channel sent it (raw archive). */
  source: 'order' | 'archived-delivery';
  archiveKey?: string;
  fields: ExcerptField[];
}

/** An order an exception holds back: its standing, and the lines that wait for a SKU mapping. */
export interface BlockedOrder {
  orderId: string;
  status: OrderStanding;
  channel: SalesChannel;
  channelOrderId: string;
  channelOrderNumber?: string;
  total?: Money;
  heldSince?: string;
  waitingLines: { lineId: string; channelSku: string; title?: string; quantity: number }[];
}

/** A channel SKU an exception waits for, in the form `xref map-sku` and POST /sku-mappings take, and its mapping if made since. */
export interface SkuToMap {
  channel: SalesChannel;
  /** `CODE`, or `variant:ID` for a line with no channel SKU. */
  channelSku: string;
  mappedTo?: string;
}

export type ExceptionDetail = Omit<ExceptionRecord, 'eventIds' | 'version'> & {
  payload?: PayloadExcerpt;
  blocks?: BlockedOrder;
  skusToMap: SkuToMap[];
};

/**
 * One exception with what a person needs to act on it: its row and audit trail, the failing fields as
 * the order (or else the archived delivery) holds them, the order it holds back, and the channel SKUs
 * it waits for. Undefined for an unknown id.
 */
export async function exceptionDetail(ports: ExceptionReadPorts, id: string): Promise<ExceptionDetail | undefined> {
  const record = await ports.store.get(id);
  if (!record) return undefined;
  const { eventIds: _eventIds, version: _version, ...row } = record;
  const view = record.orderId ? await ports.orders.viewOrder(record.orderId) : undefined;
  const [payload, skusToMap] = await Promise.all([
    payloadExcerpt(ports, record, view?.order),
    skusWaitedFor(ports, record),
  ]);
  const blocks = view ? blockedOrder(view) : undefined;
  return { ...row, ...(payload ? { payload } : {}), ...(blocks ? { blocks } : {}), skusToMap };
}

function blockedOrder({ orderId, status, order, held }: OrderView): BlockedOrder | undefined {
  const channel = order?.channel ?? held?.channel;
  const channelOrderId = order?.channelOrderId ?? held?.channelOrderId;
  if (!channel || !channelOrderId) return undefined;
  return {
    orderId,
    status,
    channel,
    channelOrderId,
    ...(order?.channelOrderNumber ? { channelOrderNumber: order.channelOrderNumber } : {}),
    ...(order ? { total: order.totals.total } : {}),
    ...(held ? { heldSince: held.heldAt } : {}),
    waitingLines: (order?.lines ?? [])
      .filter((line) => line.sku === null)
      .map(({ lineId, channelSku, title, quantity }) => ({
        lineId,
        channelSku,
        ...(title ? { title } : {}),
        quantity,
      })),
  };
}

/** Longer values are cut: an excerpt is for reading, the archive keeps the whole. */
const EXCERPT_MAX_CHARS = 2_000;

async function payloadExcerpt(
  ports: Pick<ExceptionReadPorts, 'archive'>,
  record: ExceptionRecord,
  order: unknown,
): Promise<PayloadExcerpt | undefined> {
  if (record.fieldPaths.length === 0) return undefined;
  const inOrder = order === undefined ? [] : excerptFields(order, record.fieldPaths);
  if (inOrder.length) return { source: 'order', fields: inOrder };
  const archiveKey = record.context.archiveKey;
  if (typeof archiveKey !== 'string') return undefined;
  const body = (await ports.archive.entryAt(archiveKey))?.delivery.bodyBase64;
  if (!body) return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(body, 'base64').toString('utf8'));
  } catch {
    // A channel that sends XML or a truncated body: the paths cannot be followed; the archive key still says where it is.
    return undefined;
  }
  const fields = excerptFields(payload, record.fieldPaths);
  return fields.length ? { source: 'archived-delivery', archiveKey, fields } : undefined;
}

/** The fields of `document` at dotted paths (`line_items.0.price`), each with its enclosing array element; paths that lead nowhere are left out. */
export function excerptFields(document: unknown, paths: readonly string[]): ExcerptField[] {
  return paths.flatMap((path): ExcerptField[] => {
    let at: unknown = document;
    let line: unknown;
    for (const step of path.split('.')) {
      if (Array.isArray(at) && /^\d+$/.test(step)) {
        at = at[Number(step)];
        line = at;
      } else if (at !== null && typeof at === 'object' && !Array.isArray(at) && Object.hasOwn(at, step)) {
        at = (at as Record<string, unknown>)[step];
      } else return [];
    }
    if (at === undefined) return [];
    return [{ path, value: cut(at), ...(line !== undefined && line !== at ? { line: cut(line) } : {}) }];
  });
}

function cut(value: unknown): unknown {
  const json = JSON.stringify(value);
  return json.length <= EXCERPT_MAX_CHARS ? value : `${json.slice(0, EXCERPT_MAX_CHARS)}…`;
}

async function skusWaitedFor(ports: Pick<ExceptionReadPorts, 'skus'>, record: ExceptionRecord): Promise<SkuToMap[]> {
  const keys = record.context.channelSkus;
  const channel = record.channel;
  if (!record.fixes.includes('map-sku') || !channel || !Array.isArray(keys)) return [];
  const ids = keys.filter((key): key is string => typeof key === 'string');
  const mapped = await ports.skus.resolveSkus(channel, ids.map(channelSkuKeyOf));
  return ids.map((id) => {
    const mappedTo = mapped.get(id);
    return { channel, channelSku: id.replace(/^sku:/, ''), ...(mappedTo ? { mappedTo } : {}) };
  });
}

/** A cross-reference key id (`sku:CODE`, `variant:ID`) or the map-sku form (`CODE`, `variant:ID`) as the key it names. */
export function channelSkuKeyOf(channelSku: string): ChannelSkuKey {
  if (channelSku.startsWith('variant:')) return { channelSku: '', variantId: channelSku.slice('variant:'.length) };
  return { channelSku: channelSku.replace(/^sku:/, '') };
}

export interface SkuMapping {
  channel: SalesChannel;
  /** `CODE`, or `variant:ID` for a line with no channel SKU. */
  channelSku: string;
  sku: string;
}

export interface SkuMappingOutcome extends SkuMapping {
  /** Exceptions whose held work was mapped again from the archive, with what that did. */
  reprocessed: { id: string; outcome: string }[];
  /** Exceptions that wait for the SKU but have nothing to reprocess: a person applies them. */
  left: { id: string }[];
}

/**
 * Maps a channel SKU to an internal SKU (replacing any earlier mapping), then maps again from the
 * archive every held order, and records again every held POS transaction, that waited for it. Safe to
 * repeat: what is reprocessed is keyed on the order version and the transaction's lines downstream.
 */
export async function mapChannelSku(
  ports: { skus: Pick<DynamoSkuCrossReference, 'mapSku'>; fixes: FixPorts },
  mapping: SkuMapping,
  actor: Actor,
): Promise<SkuMappingOutcome> {
  const key = channelSkuKeyOf(mapping.channelSku);
  await ports.skus.mapSku(mapping.channel, key, mapping.sku, actor.by);
  const { reprocessed, left } = await reprocessWaitingForSku(mapping.channel, skuKeyId(key), actor, ports.fixes);
  return {
    ...mapping,
    reprocessed: reprocessed.map((record) => ({
      id: record.id,
      outcome: record.actions.at(-1)?.outcome ?? 'reprocessed',
    })),
    left: left.map((record) => ({ id: record.id })),
  };
}
